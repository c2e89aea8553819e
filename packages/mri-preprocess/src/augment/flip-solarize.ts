/**
 * Horizontal flip and solarisation: two one-line pixel ops with a per-image probability.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type AugmentationOp,
  applyWhere,
  assertImages,
  assertProbability,
  drawMask,
} from './augmentation-op.js';

/**
 * Flips each image left–right with probability `p` (default 0.5).
 *
 * Every SSL recipe uses it (SimCLR, BYOL, DINO, MoCo v3). On brain MRI it is kept (approximate
 * left–right symmetry) but it destroys laterality; there is deliberately no vertical flip.
 *
 * @example
 * ```ts
 * const flipped = horizontalFlip({ p: 0.5 })(images, rng);
 * ```
 */
export function horizontalFlip(options: { p?: number } = {}): AugmentationOp {
  const p = assertProbability('horizontalFlip', 'p', options.p ?? 0.5);
  return (images, rng) => {
    assertImages('horizontalFlip', images);
    const mask = drawMask(images.shape[0], p, rng);
    return applyWhere('horizontalFlip', images, mask, (subset) => tf.reverse(subset, 2));
  };
}

/**
 * Solarises each image with probability `p` (default 1): `x ← x if x < threshold else 1 − x`
 * (BYOL's `tf.where(image < 0.5, image, 1 - image)`; Pillow's `solarize(128)` on [0, 1] data).
 *
 * Used on BYOL / MoCo v3 view 2 (p = 0.2) and DINO global view 2 [Grill et al. 2020,
 * https://arxiv.org/abs/2006.07733]. It has no physical meaning on MRI: keep p low or drop it.
 * Expects images in [0, 1].
 *
 * @example
 * ```ts
 * const view2Solarize = solarize({ p: 0.2 });
 * ```
 */
export function solarize(options: { p?: number; threshold?: number } = {}): AugmentationOp {
  const p = assertProbability('solarize', 'p', options.p ?? 1);
  const threshold = assertProbability('solarize', 'threshold', options.threshold ?? 0.5);
  return (images, rng) => {
    assertImages('solarize', images);
    const mask = drawMask(images.shape[0], p, rng);
    return applyWhere(
      'solarize',
      images,
      mask,
      (subset) => tf.where(tf.less(subset, threshold), subset, tf.sub(1, subset)) as tf.Tensor4D,
    );
  };
}
