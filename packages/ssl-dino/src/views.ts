/**
 * DINO's multi-crop augmentation for single-channel MRI, built from `@tumorxai/mri-preprocess`
 * ops.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (§3.1, App. D);
 * official `main_dino.DataAugmentationDINO`; multi-crop from SwAV, Caron et al. 2020,
 * https://arxiv.org/abs/2006.09882. Spec `ssl.md` §3a and §7.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type ViewsFn } from '@tumorxai/core';
import {
  type AugmentationOp,
  colorJitter,
  compose,
  gaussianBlur,
  horizontalFlip,
  multiCrop,
  solarize,
  type ViewsOp,
  viewsBySize,
} from '@tumorxai/mri-preprocess';

/** Options of {@link dinoViews}; every default is the MRI recipe described there. */
export interface DINOViewsOptions {
  /** Side of the 2 global crops (default: the input's smaller side). */
  globalSize?: number;
  /** Side of the local crops (default `round(globalSize·96/224)`, DINO's ratio; at least 8). */
  localSize?: number;
  /** Number of local crops (default 8, DINO's code; lightly uses 6, the paper's best ViTs 10). */
  localCrops?: number;
  /** Area range of the global crops (default `[0.4, 1]`; DINO's ResNet-50 recipe `[0.14, 1]`). */
  globalScale?: readonly [number, number];
  /** Area range of the local crops (default `[0.1, 0.4]`; DINO `[0.05, 0.4]`, RN50 `[0.05, 0.14]`). */
  localScale?: readonly [number, number];
  /** Crop aspect-ratio range (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Horizontal-flip probability (default 0.5). */
  flipP?: number;
  /** Multiplicative brightness strength (default 0.4, DINO's colour jitter). */
  brightness?: number;
  /** Contrast strength (default 0.4). */
  contrast?: number;
  /** Gamma strength (default 0: off; an MRI-friendly addition, e.g. 0.3). */
  gamma?: number;
  /** Probability of the intensity jitter (default 0.8). */
  jitterP?: number;
  /** Blur σ range in pixels (default `[0.1, 2]`). */
  blurSigma?: readonly [number, number];
  /** Solarisation probability of the second global crop (default 0.2, DINO's; 0 drops it). */
  solarizeP?: number;
  /** Crop interpolation (default `'bicubic'`, as DINO; `'bilinear'` is several times faster). */
  interpolation?: 'bilinear' | 'bicubic';
}

function checkSize(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new ConfigError({
      fn: 'dinoViews',
      problem: `${name} must be a positive integer`,
      got: value,
    });
  }
  return value as number;
}

/**
 * DINO's multi-crop recipe: `[global₁, global₂, local₁ … local_n]`, each view drawn
 * independently per image:
 *
 * | crop | size | scale | blur p | solarise p |
 * |---|---|---|---|---|
 * | global 1 | `globalSize` | `[0.4, 1]` | 1.0 | 0 |
 * | global 2 | `globalSize` | `[0.4, 1]` | 0.1 | 0.2 |
 * | local × n | `localSize` | `[0.1, 0.4]` | 0.5 | 0 |
 *
 * Every crop: random resized crop (bicubic, ratio 3/4–4/3, clipped to [0, 1] as Pillow does on
 * 8-bit images) → horizontal flip p 0.5 → intensity
 * jitter p 0.8 (brightness 0.4, contrast 0.4, random order, clipped to [0, 1]) → Gaussian blur
 * σ ∈ U(0.1, 2) → [solarise]. The teacher sees the 2 global crops, the student all of them.
 *
 * MRI defaults, and why (spec §7):
 * - **crop scales are raised** — global `[0.4, 1]` instead of the ResNet-50 recipe's
 *   `[0.14, 1]`, local `[0.1, 0.4]` instead of `[0.05, 0.4]`: about half of a brain slice is
 *   background, and a crop of air teaches nothing. Crop the slices to the head first
 *   (`cropToForeground` in `@tumorxai/mri-preprocess`) for the same reason;
 * - saturation, hue and grayscale are dropped: identities on one channel;
 * - no vertical flip (brains are only left–right symmetric);
 * - solarisation has no physical meaning on MRI; it is kept at DINO's p 0.2 on the second global
 *   crop only, and `solarizeP: 0` drops it.
 *
 * Porting note: DINO blurs with Pillow's box-blur approximation; we use the SimCLR/BYOL Gaussian
 * (kernel 10 % of the side, zero padding).
 *
 * @returns A {@link ViewsFn}: `(images [N, H, W, C] in [0, 1], rng) → views`, new tensors owned by
 *   the caller. Crop k uses `rng.fork('crop' + k)` (see `multiCrop`).
 * @throws {ConfigError} for invalid options, when created. The returned function throws
 *   {ShapeError} for a batch that is not `[N, H, W, C]`.
 * @example
 * ```ts
 * const views = dinoViews({ globalSize: 64, localSize: 28, localCrops: 6 });
 * const crops = views(images, createRng(0)); // 2 × [N, 64, 64, 1], then 6 × [N, 28, 28, 1]
 * ```
 */
export function dinoViews(options: DINOViewsOptions = {}): ViewsFn {
  const localCrops = options.localCrops ?? 8;
  if (!Number.isInteger(localCrops) || localCrops < 0) {
    throw new ConfigError({
      fn: 'dinoViews',
      problem: 'localCrops must be a non-negative integer',
      got: localCrops,
    });
  }
  // Bicubic resampling overshoots [0, 1] near edges; Pillow clamps 8-bit images, so do we.
  const clip: AugmentationOp = (images) => tf.clipByValue(images, 0, 1);
  const transforms = (blurP: number, solarizeP: number): AugmentationOp => {
    const ops = [
      clip,
      horizontalFlip({ p: options.flipP ?? 0.5 }),
      colorJitter({
        brightness: options.brightness ?? 0.4,
        contrast: options.contrast ?? 0.4,
        gamma: options.gamma ?? 0,
        p: options.jitterP ?? 0.8,
      }),
      gaussianBlur({ sigma: options.blurSigma ?? [0.1, 2], p: blurP }),
    ];
    if (solarizeP > 0) ops.push(solarize({ p: solarizeP }));
    return compose(ops);
  };
  const global1 = transforms(1, 0);
  const global2 = transforms(0.1, options.solarizeP ?? 0.2);
  const local = transforms(0.5, 0);
  // Local size follows the global one (96/224 of it, as DINO's) unless given.
  return viewsBySize(
    'dinoViews',
    (globalSize: number): ViewsOp => {
      const g = checkSize('globalSize', globalSize);
      const l = checkSize(
        'localSize',
        options.localSize ?? Math.max(8, Math.round((g * 96) / 224)),
      );
      return multiCrop({
        global: {
          count: 2,
          size: g,
          scale: options.globalScale ?? [0.4, 1],
          transforms: [global1, global2],
        },
        local: {
          count: localCrops,
          size: l,
          scale: options.localScale ?? [0.1, 0.4],
          transforms: local,
        },
        ratio: options.ratio,
        interpolation: options.interpolation ?? 'bicubic',
      });
    },
    (images) => options.globalSize ?? Math.min(images.shape[1], images.shape[2]),
    options.globalSize ?? 224,
  );
}
