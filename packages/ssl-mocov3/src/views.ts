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

/** Options of {@link mocoV3Views}; every default is the recipe described there. */
export interface MoCoV3ViewsOptions {
  /** Output side or `[height, width]` (default: the input's size). */
  size?: number | readonly [number, number];
  /** Crop area range (default `[0.2, 1]`, `crop_min = 0.2` of every ResNet-50 config). */
  scale?: readonly [number, number];
  /** Crop aspect-ratio range, sampled log-uniformly (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Crop interpolation (default `'bilinear'`, torchvision's `RandomResizedCrop` default). */
  interpolation?: 'bilinear' | 'bicubic';
  /** Horizontal-flip probability (default 0.5). */
  flipP?: number;
  /** Multiplicative brightness strength (default 0.4). */
  brightness?: number;
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

function pair(name: keyof MoCoV3ViewsOptions, value: unknown, fallback: ViewPair<number>) {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ConfigError({
      fn: 'mocoV3Views',
      problem: `${name} must be a pair [view 1, view 2]`,
      got: value,
      fix: `Pass e.g. { ${name}: ${JSON.stringify(fallback)} }`,
    });
  }
  return value as unknown as ViewPair<number>;
}

/**
 * The MoCo v3 two-view recipe (BYOL's asymmetry); views 1 and 2 differ only in blur and
 * solarisation:
 *
 * 1. random resized crop, scale `[0.2, 1]`, ratio `[3/4, 4/3]`, bilinear, to `size`;
 * 2. horizontal flip, p 0.5;
 * 3. intensity jitter with p 0.8: brightness 0.4 and contrast 0.4 (torchvision's
 *    multiplicative factors U(0.6, 1.4)) in random order, clipped to [0, 1] after each;
 * 4. Gaussian blur, σ ∈ U(0.1, 2) — **p 1.0 on view 1, 0.1 on view 2**;
 * 5. solarisation `x ← x < 0.5 ? x : 1 − x` — **p 0 on view 1, 0.2 on view 2**.
 *
 * MRI defaults, and why (spec §7):
 * - the crop scale keeps MoCo v3's ResNet-50 `crop_min = 0.2` (the code default is 0.08): small
 *   crops of a brain slice are mostly background;
 * - saturation (0.2), hue (0.1) and grayscale (p 0.2) are dropped: identities on one channel;
 * - blur keeps the asymmetric 1.0 / 0.1 (it mimics lower resolution and partial volume);
 * - solarisation has no physical meaning on MRI but is kept at the low p 0.2 on view 2 only,
 *   the asymmetry the method was tuned with; pass `solarizeP: [0, 0]` to drop it;
 * - no vertical flip (brains are only left–right symmetric).
 *
 * Porting note: the official code blurs with Pillow's `GaussianBlur(radius=σ)` (an iterated box
 * blur); we use an exact separable Gaussian with 10 % of the side as kernel and zero padding
 * (BYOL's TF op), spec §10.13.
 *
 * @returns A {@link ViewsFn}: `(images [N, H, W, C] in [0, 1], rng) → [v1, v2]`, each
 *   `[N, h, w, C]`, new tensors owned by the caller. View k uses `rng.fork('view' + k)`.
 * @throws {ConfigError} for invalid options, when created (the mri-preprocess ops check them).
 * The returned function throws {ShapeError} for a batch that is not `[N, H, W, C]`.
 * @example
 * ```ts
 * const views = mocoV3Views({ size: 64 });
 * const [v1, v2] = views(images, createRng(0));
 * ```
 */
export function mocoV3Views(options: MoCoV3ViewsOptions = {}): ViewsFn {
  const blurP = pair('blurP', options.blurP, [1, 0.1]);
  const solarizeP = pair('solarizeP', options.solarizeP, [0, 0.2]);
  const recipe = (size: number | readonly [number, number], view: 0 | 1) =>
    compose([
      randomResizedCrop({
        size,
        scale: options.scale ?? [0.2, 1],
        ratio: options.ratio ?? [3 / 4, 4 / 3],
        interpolation: options.interpolation ?? 'bilinear',
      }),
      horizontalFlip({ p: options.flipP ?? 0.5 }),
      colorJitter({
        brightness: options.brightness ?? 0.4,
        contrast: options.contrast ?? 0.4,
        gamma: options.gamma ?? 0,
        p: options.jitterP ?? 0.8,
      }),
      gaussianBlur({ sigma: options.blurSigma ?? [0.1, 2], p: blurP[view] }),
      solarize({ p: solarizeP[view] }),
    ]);
  return viewsBySize(
    'mocoV3Views',
    (size: number | readonly [number, number]) => makeViews([recipe(size, 0), recipe(size, 1)]),
    (images) => options.size ?? ([images.shape[1], images.shape[2]] as const),
    options.size ?? 32,
  );
}
