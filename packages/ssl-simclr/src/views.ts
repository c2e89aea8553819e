import type { ViewsFn } from '@tumorxai/core';
import {
  type AugmentationOp,
  colorJitter,
  compose,
  gaussianBlur,
  horizontalFlip,
  makeViews,
  randomResizedCrop,
  viewsBySize,
} from '@tumorxai/mri-preprocess';

/** Options of {@link simclrViews}; every default is the MRI recipe described there. */
export interface SimCLRViewsOptions {
  /** Output side or `[height, width]` (default: the input's size). */
  size?: number | readonly [number, number];
  /** Crop area range (default `[0.3, 1]`; SimCLR's ImageNet value is `[0.08, 1]`). */
  scale?: readonly [number, number];
  /** Crop aspect-ratio range (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Horizontal-flip probability (default 0.5). */
  flipP?: number;
  /** Multiplicative brightness strength (default 0.4; SimCLR's ImageNet value is 0.8). */
  brightness?: number;
  /** Contrast strength (default 0.4; SimCLR's ImageNet value is 0.8). */
  contrast?: number;
  /** Gamma strength (default 0: off; an MRI-friendly addition, e.g. 0.3). */
  gamma?: number;
  /** Probability of the intensity jitter (default 0.8). */
  jitterP?: number;
  /** Gaussian-blur probability (default 0.5). */
  blurP?: number;
  /** Blur σ range in pixels (default `[0.1, 2]`). */
  blurSigma?: readonly [number, number];
  /** Crop interpolation (default `'bilinear'`, as the official TF code). */
  interpolation?: 'bilinear' | 'bicubic';
}

/**
 * The SimCLR two-view recipe: both views are drawn independently from the same distribution
 *
 * 1. random resized crop, scale `[0.3, 1]`, ratio `[3/4, 4/3]`, bilinear, to `size`;
 * 2. horizontal flip, p 0.5;
 * 3. intensity jitter with p 0.8: brightness 0.4 (multiplicative, U(0.6, 1.4)) and contrast 0.4
 *    in random order, clipped to [0, 1];
 * 4. Gaussian blur, p 0.5, σ ∈ U(0.1, 2), kernel 10 % of the side, zero padding.
 *
 * MRI defaults, and why (spec §7):
 * - the minimum crop scale is raised from 0.08 to 0.3 (spec: 0.2–0.4): small crops of a brain
 *   slice are mostly background, and two background crops make a meaningless positive pair;
 * - saturation, hue and grayscale are dropped: on one channel they are identities (the "colour
 *   drop" role of grayscale disappears). Brightness and contrast stay, since MRI intensity scale
 *   is arbitrary, at 0.4 — the BYOL / MoCo v3 / DINO strength — rather than SimCLR's 0.8, which
 *   targets colour-histogram shortcuts of RGB photos: on synthetic phantoms, 0.8 with scale 0.2
 *   learnt markedly slower than 0.4 with scale 0.3 (k-NN after 200 steps, tiny ResNet-18).
 *   Feed images in [0, 1] (z-score after augmentation if you want);
 * - no vertical flip (brains are only left–right symmetric), and no solarisation (SimCLR has none);
 * - blur is kept with SimCLR's p 0.5: it mimics lower resolution and partial-volume effects.
 *
 * @returns A {@link ViewsFn}: `(images [N, H, W, C] in [0, 1], rng) → [v1, v2]`, each
 *   `[N, h, w, C]`, new tensors owned by the caller. View k uses `rng.fork('view' + k)`.
 * @throws {ConfigError} for invalid options, when created (the mri-preprocess ops check them).
 * The returned function throws {ShapeError} for a batch that is not `[N, H, W, C]`.
 * @example
 * ```ts
 * const views = simclrViews({ size: 64, gamma: 0.3 });
 * const [v1, v2] = views(images, createRng(0));
 * ```
 */
export function simclrViews(options: SimCLRViewsOptions = {}): ViewsFn {
  const recipe = (size: number | readonly [number, number]): AugmentationOp =>
    compose([
      randomResizedCrop({
        size,
        scale: options.scale ?? [0.3, 1],
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
      gaussianBlur({ sigma: options.blurSigma ?? [0.1, 2], p: options.blurP ?? 0.5 }),
    ]);
  return viewsBySize(
    'simclrViews',
    (size: number | readonly [number, number]) => {
      const r = recipe(size);
      return makeViews([r, r]);
    },
    (images) => options.size ?? ([images.shape[1], images.shape[2]] as const),
    options.size ?? 32,
  );
}
