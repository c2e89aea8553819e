/**
 * Collapse monitor: the per-dimension standard deviation of l2-normalised embeddings.
 *
 * Reference: lightly `lightly.utils.debug.std_of_l2_normalized`, after SimSiam [Chen & He 2021,
 * https://arxiv.org/abs/2011.10566] §4.1: for embeddings spread over the unit sphere the value is
 * close to `1/√d`; a collapsed representation (every image mapped to the same point) gives 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';
import { l2Normalize } from './l2-normalize.js';

/**
 * Mean over the `d` dimensions of the (biased) standard deviation over the batch of
 * `l2n(z)`. Values near `1/√d` mean healthy embeddings; values near 0 mean collapse.
 *
 * Porting note: lightly uses the unbiased `torch.std`; we use the biased form so that batch 1
 * gives 0 instead of NaN. The difference is a factor `√(N/(N−1))`.
 *
 * @param z Embeddings `[N, d]`. Not disposed.
 * @returns A number (reads the value back synchronously).
 * @throws {ShapeError} unless `z` is 2-D with N ≥ 1.
 * @example
 * ```ts
 * const std = embeddingStd(z); // compare with 1 / Math.sqrt(z.shape[1])
 * ```
 */
export function embeddingStd(z: tf.Tensor): number {
  if (z.rank !== 2 || z.shape[0] === 0) {
    throw new ShapeError({
      fn: 'embeddingStd',
      problem: 'z must be a non-empty 2-D tensor [N, d]',
      got: `shape ${JSON.stringify(z.shape)}`,
    });
  }
  const value = tf.tidy(() => {
    const u = l2Normalize(z);
    const { variance } = tf.moments(u, 0);
    return tf.mean(tf.sqrt(variance));
  });
  const out = value.dataSync()[0]!;
  value.dispose();
  return out;
}

/**
 * The threshold below which {@link embeddingStd} signals collapse: `ratio / √d` (default ratio
 * 0.1, i.e. a tenth of the value for embeddings spread uniformly over the sphere).
 */
export function collapseThreshold(dim: number, ratio = 0.1): number {
  return ratio / Math.sqrt(dim);
}
