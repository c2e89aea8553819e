/**
 * Rank-agnostic helpers: a feature map is `[batch, ...spatial, channels]` and a CAM is
 * `[batch, ...spatial]`, whatever the number of spatial axes (2 for images, 3 for volumes).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Spatial axes of a `[batch, ...spatial, channels]` tensor: `1 … rank − 2`. */
export function spatialAxes(features: tf.Tensor): number[] {
  return Array.from({ length: features.rank - 2 }, (_, i) => i + 1);
}

/** Axes of a `[batch, ...]` tensor except the batch axis. */
export function nonBatchAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
}

/** Reshapes per-image channel weights `[batch, K]` to broadcast against `[batch, ...spatial, K]`. */
export function broadcastWeights(weights: tf.Tensor, features: tf.Tensor): tf.Tensor {
  const shape = [features.shape[0]!, ...spatialAxes(features).map(() => 1), features.shape.at(-1)!];
  return tf.reshape(weights, shape);
}

/**
 * Per-image min-max scaling, `scale_cam_image` without resize (spec §3):
 * `x ← x − min(x); x ← x / (1e-7 + max(x))` over all non-batch axes. A constant map becomes 0.
 */
export function minMaxPerImage(maps: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axes = nonBatchAxes(maps);
    const shifted = tf.sub(maps, tf.min(maps, axes, true));
    return tf.div(shifted, tf.add(tf.max(shifted, axes, true), 1e-7));
  });
}
