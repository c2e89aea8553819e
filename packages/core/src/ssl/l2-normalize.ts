/**
 * Row-wise l2 normalisation, `torch.nn.functional.normalize` semantics (spec §0):
 * `l2n(x) = x / max(‖x‖₂, eps)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/**
 * Divides every row of `x` by `max(‖row‖₂, eps)` along `axis` (default: the last).
 *
 * Porting note: BYOL's JAX code and TF's `l2_normalize` use `x·rsqrt(max(Σx², eps²))`; the two
 * forms differ only when ‖x‖ < 1e-6 (spec §0). We follow PyTorch (lightly, DINO, MoCo v3).
 *
 * @param x Tensor of rank ≥ 1, e.g. embeddings `[N, D]`. Not disposed.
 * @param axis Axis to normalise over (default -1).
 * @param eps Lower bound of the norm (default 1e-12, as PyTorch).
 * @returns A new tensor of the shape of `x`, owned by the caller.
 * @throws {ShapeError} for a scalar input.
 * @example
 * ```ts
 * const u = l2Normalize(tf.tensor2d([[3, 4]])); // [[0.6, 0.8]]
 * ```
 */
export function l2Normalize<T extends tf.Tensor>(x: T, axis = -1, eps = 1e-12): T {
  if (x.rank < 1) {
    throw new ShapeError({
      fn: 'l2Normalize',
      problem: 'x must have rank ≥ 1',
      got: `shape ${JSON.stringify(x.shape)}`,
    });
  }
  return tf.tidy(() => {
    const norm = tf.norm(x, 'euclidean', axis, true);
    return tf.div(x, tf.maximum(norm, eps)) as T;
  });
}
