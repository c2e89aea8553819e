import { ConfigError, type ViewsFn } from '@tumorxai/core';
import {
  colorJitter,
  compose,
  gaussianBlur,
  horizontalFlip,
  makeViews,
  randomResizedCrop,
  solarize,
  viewsBySize,
} from '@tumorxai/mri-preprocess';

/** A per-view pair `[view 1, view 2]`. */
export type ViewPair<T> = readonly [T, T];

/** Options of {@link byolViews}; every default is the MRI recipe described there. */
export interface BYOLViewsOptions {
  /** Output side or `[height, width]` (default: the input's size). */
  size?: number | readonly [number, number];
  /** Crop area range (default `[0.2, 1]`; BYOL's ImageNet value is `[0.08, 1]`). */
  scale?: readonly [number, number];
  /** Crop aspect-ratio range, sampled log-uniformly (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Crop interpolation (default `'bicubic'`, as the official code). */
  interpolation?: 'bilinear' | 'bicubic';
  /** Horizontal-flip probability (default 0.5). */
  flipP?: number;
  /** Brightness strength (default 0.4). */
  brightness?: number;
  /**
   * `'multiplicative'` (default, MRI: the intensity scale is arbitrary) or `'additive'` (the
   * official BYOL code, `tf.image.random_brightness`).
   */
  brightnessMode?: 'multiplicative' | 'additive';
  /** Contrast strength (default 0.4). */
  contrast?: number;
  /** Gamma strength (default 0: off; an MRI-friendly addition, e.g. 0.3). */
  gamma?: number;
  /** Probability of the intensity jitter (default 0.8). */
  jitterP?: number;
  /** Gaussian-blur probability per view (default `[1, 0.1]`). */
  blurP?: ViewPair<number>;
  /** Blur σ range in pixels (default `[0.1, 2]`). */
  blurSigma?: readonly [number, number];
  /** Solarisation probability per view (default `[0, 0.2]`; `[0, 0]` drops it). */
  solarizeP?: ViewPair<number>;
}

function pair(name: keyof BYOLViewsOptions, value: unknown, fallback: ViewPair<number>) {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ConfigError({
      fn: 'byolViews',
      problem: `${name} must be a pair [view 1, view 2]`,
      got: value,
      fix: `Pass e.g. { ${name}: ${JSON.stringify(fallback)} }`,
    });
  }
  return value as unknown as ViewPair<number>;
}

/**
 * The BYOL two-view recipe; views 1 and 2 differ only in blur and solarisation:
 *
 * 1. random resized crop, scale `[0.2, 1]`, ratio `[3/4, 4/3]`, bicubic, to `size`;
 * 2. horizontal flip, p 0.5;
 * 3. intensity jitter with p 0.8: brightness 0.4 and contrast 0.4 in random order, clipped to
 *    [0, 1] after each;
 * 4. Gaussian blur, σ ∈ U(0.1, 2), kernel 10 % of the side, zero padding — **p 1.0 on view 1,
 *    0.1 on view 2**;
 * 5. solarisation `x ← x < 0.5 ? x : 1 − x` — **p 0 on view 1, 0.2 on view 2**.
 *
 * MRI defaults, and why (spec §7):
 * - the minimum crop scale is raised from 0.08 to 0.2: small crops of a brain slice are mostly
 *   background, and a background crop makes a meaningless target;
 * - saturation (0.2), hue (0.1) and grayscale (p 0.2) are dropped: on one channel they are
 *   identities;
 * - brightness is multiplicative (U(0.6, 1.4)) rather than BYOL's additive δ ∈ U(−0.4, 0.4):
 *   MRI intensities have an arbitrary scale, not an offset (`brightnessMode: 'additive'` gives
 *   the official op);
 * - blur keeps BYOL's asymmetric 1.0 / 0.1 (it mimics lower resolution and partial volume);
 * - solarisation has no physical meaning on MRI but is kept at BYOL's low p 0.2 on view 2 only,
 *   the asymmetry the method was tuned with; pass `solarizeP: [0, 0]` to drop it;
 * - no vertical flip (brains are only left–right symmetric).
 *
 * @returns A {@link ViewsFn}: `(images [N, H, W, C] in [0, 1], rng) → [v1, v2]`, each
 *   `[N, h, w, C]`, new tensors owned by the caller. View k uses `rng.fork('view' + k)`.
 * @throws {ConfigError} for invalid options, when created (the mri-preprocess ops check them).
 * The returned function throws {ShapeError} for a batch that is not `[N, H, W, C]`.
 * @example
 * ```ts
 * const views = byolViews({ size: 64 });
 * const [v1, v2] = views(images, createRng(0)); // v1 always blurred, v2 sometimes solarised
 * ```
 */
export function byolViews(options: BYOLViewsOptions = {}): ViewsFn {
  const blurP = pair('blurP', options.blurP, [1, 0.1]);
  const solarizeP = pair('solarizeP', options.solarizeP, [0, 0.2]);
  const recipe = (size: number | readonly [number, number], view: 0 | 1) =>
    compose([
      randomResizedCrop({
        size,
        scale: options.scale ?? [0.2, 1],
        ratio: options.ratio ?? [3 / 4, 4 / 3],
        interpolation: options.interpolation ?? 'bicubic',
      }),
      horizontalFlip({ p: options.flipP ?? 0.5 }),
      colorJitter({
        brightness: options.brightness ?? 0.4,
        brightnessMode: options.brightnessMode ?? 'multiplicative',
        contrast: options.contrast ?? 0.4,
        gamma: options.gamma ?? 0,
        p: options.jitterP ?? 0.8,
      }),
      gaussianBlur({ sigma: options.blurSigma ?? [0.1, 2], p: blurP[view] }),
      solarize({ p: solarizeP[view] }),
    ]);
  return viewsBySize(
    'byolViews',
    (size: number | readonly [number, number]) => makeViews([recipe(size, 0), recipe(size, 1)]),
    (images) => options.size ?? ([images.shape[1], images.shape[2]] as const),
    options.size ?? 32,
  );
}
