/**
 * Multi-crop (SwAV, DINO): a few large "global" crops and several small "local" crops of each
 * image, each followed by its own transforms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tumorxai/core';
import { type AugmentationOp, assertImages, type ViewsOp } from './augmentation-op.js';
import { randomResizedCrop } from './random-resized-crop.js';

/** One family of crops in {@link multiCrop}. */
export interface CropSet {
  /** Number of crops. */
  count: number;
  /** Output side. */
  size: number;
  /** Area range of the crops. */
  scale: readonly [number, number];
  /**
   * Transforms after cropping: one op for every crop, or a list used per crop in turn (crop k
   * uses `transforms[k % length]`), for asymmetric recipes (DINO: blur 1.0 on global 1, blur 0.1
   * + solarise 0.2 on global 2).
   */
  transforms?: AugmentationOp | readonly AugmentationOp[];
}

/** Options of {@link multiCrop}. */
export interface MultiCropOptions {
  /** Default `{ count: 2, size: 224, scale: [0.4, 1] }` (DINO code; its ResNet-50 README uses `[0.14, 1]`). */
  global?: CropSet;
  /** Default `{ count: 8, size: 96, scale: [0.05, 0.4] }` (DINO code; ResNet-50: `[0.05, 0.14]`). */
  local?: CropSet;
  /** Aspect-ratio range (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /** Crop interpolation (default `'bicubic'`, as DINO). */
  interpolation?: 'bilinear' | 'bicubic';
}

/**
 * Multi-crop views: returns `[global_0, …, global_{G−1}, local_0, …]`, each `[N, size, size, C]`.
 * DINO feeds only the globals to the teacher and all views to the student [Caron et al. 2021,
 * https://arxiv.org/abs/2104.14294]. Crop k uses `rng.fork('crop' + k)`, its transforms
 * `rng.fork('transform' + k)`. Set `local.count` to 0 for two-view methods.
 *
 * @throws {ConfigError} on invalid counts, sizes or scales (when created).
 * @example
 * ```ts
 * const views = multiCrop({
 *   global: { count: 2, size: 224, scale: [0.3, 1], transforms: [globalView1, globalView2] },
 *   local: { count: 6, size: 96, scale: [0.05, 0.3], transforms: localView },
 * });
 * const crops = views(images, rng); // 8 tensors
 * ```
 */
export function multiCrop(options: MultiCropOptions = {}): ViewsOp {
  const sets: Array<[string, CropSet]> = [
    ['global', options.global ?? { count: 2, size: 224, scale: [0.4, 1] }],
    ['local', options.local ?? { count: 8, size: 96, scale: [0.05, 0.4] }],
  ];
  const views: Array<{ crop: AugmentationOp; transform?: AugmentationOp }> = [];
  for (const [name, set] of sets) {
    if (!set || !Number.isInteger(set.count) || set.count < 0) {
      throw new ConfigError({
        fn: 'multiCrop',
        problem: `${name}.count must be a non-negative integer`,
        got: set?.count,
      });
    }
    const list =
      set.transforms === undefined
        ? []
        : Array.isArray(set.transforms)
          ? set.transforms
          : [set.transforms];
    const crop = randomResizedCrop({
      size: set.size,
      scale: set.scale,
      ratio: options.ratio,
      interpolation: options.interpolation ?? 'bicubic',
    });
    for (let k = 0; k < set.count; k++) {
      views.push({
        crop,
        transform: list.length ? (list[k % list.length] as AugmentationOp) : undefined,
      });
    }
  }
  if (views.length === 0) {
    throw new ConfigError({
      fn: 'multiCrop',
      problem: 'no crops requested',
      fix: 'Set global.count >= 1',
    });
  }
  return (images, rng) => {
    assertImages('multiCrop', images);
    return tf.tidy(() =>
      views.map(({ crop, transform }, k) => {
        const cropped = crop(images, rng.fork(`crop${k}`));
        return transform ? transform(cropped, rng.fork(`transform${k}`)) : cropped;
      }),
    );
  };
}
