/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR.
 *
 * Reference: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709 (Algorithm 1);
 * lightly `NTXentLoss` (no memory bank); spec `ssl.md` §1c.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, l2Normalize, ShapeError } from '@tumorxai/core';

/** Options of {@link ntXentLoss}. */
export interface NtXentLossOptions {
  /**
   * Temperature τ (default 0.5, lightly's default; the paper uses 0.1 on ImageNet with batch
   * 4096). Must satisfy |τ| ≥ 1e-8. A negative τ is accepted, as in lightly.
   */
  temperature?: number;
}

/** Smallest |τ| accepted (lightly raises `ValueError` below it). */
const MIN_ABS_TEMPERATURE = 1e-8;

function checkInputs(z1: tf.Tensor, z2: tf.Tensor, temperature: number): void {
  const fn = 'ntXentLoss';
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) {
    throw new ConfigError({
      fn,
      problem: 'temperature must be a finite number',
      got: temperature,
      fix: 'Pass e.g. { temperature: 0.5 }',
    });
  }
  if (Math.abs(temperature) < MIN_ABS_TEMPERATURE) {
    throw new ConfigError({
      fn,
      problem: 'temperature is too close to zero',
      expected: `|temperature| >= ${MIN_ABS_TEMPERATURE}`,
      got: temperature,
      fix: 'Use a temperature such as 0.1 or 0.5',
    });
  }
  for (const [name, z] of [
    ['z1', z1],
    ['z2', z2],
  ] as const) {
    if (!(z instanceof tf.Tensor) || z.rank !== 2 || z.shape[0] === 0 || z.shape[1] === 0) {
      throw new ShapeError({
        fn,
        problem: `${name} must be a non-empty 2-D tensor [N, D]`,
        got: z instanceof tf.Tensor ? `shape ${JSON.stringify(z.shape)}` : typeof z,
      });
    }
  }
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new ShapeError({
      fn,
      problem: 'z1 and z2 must have the same shape (row i of both are two views of image i)',
      expected: `z2 of shape ${JSON.stringify(z1.shape)}`,
      got: JSON.stringify(z2.shape),
    });
  }
}

/**
 * NT-Xent loss, averaged over the 2N anchors:
 *
 * ```
 * u    = l2n([z1; z2])                            // [2N, D]; rows i and i+N are the two views
 * s_ij = u_i·u_j / τ                               // [2N, 2N]
 * ℓ_i  = −s_{i,p(i)} + log Σ_{k≠i} exp(s_ik),      p(i) = (i+N) mod 2N
 * L    = (1/2N) Σ_i ℓ_i
 * ```
 *
 * Each anchor has one positive and 2N−2 negatives; its own similarity is excluded. N = 1 gives
 * exactly 0; all-collinear embeddings give log(2N−1). The log-sum-exp is computed stably.
 *
 * Porting note: the official SimCLR TF code returns `loss_a + loss_b` = 2·L (spec §10.1); we
 * return the paper's and lightly's L. Multiply by 2 to compare with the TF logs.
 *
 * @param z1 Projections of the first views `[N, D]`. Not disposed.
 * @param z2 Projections of the second views `[N, D]`. Not disposed.
 * @returns A scalar owned by the caller.
 * @throws {ShapeError} when z1 and z2 are not 2-D tensors of the same non-empty shape.
 * @throws {ConfigError} when |temperature| < 1e-8 or it is not finite.
 * @example
 * ```ts
 * const loss = ntXentLoss(z1, z2, { temperature: 0.5 });
 * console.log(loss.dataSync()[0]);
 * loss.dispose();
 * ```
 */
export function ntXentLoss(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  options: NtXentLossOptions = {},
): tf.Scalar {
  const temperature = options.temperature ?? 0.5;
  checkInputs(z1, z2, temperature);
  const n = z1.shape[0];
  return tf.tidy(() => {
    const u = l2Normalize(tf.concat([z1, z2], 0)); // [2N, D]
    const s = tf.div(tf.matMul(u, u, false, true), temperature); // [2N, 2N]
    // Positive logits read from the same matrix (one-hot mask), so N = 1 gives exactly 0.
    const partner = tf.tensor1d(
      Int32Array.from({ length: 2 * n }, (_, i) => (i + n) % (2 * n)),
      'int32',
    );
    // int32 one-hot then cast: tfjs-backend-wasm 4.22's OneHot writes int bits into float32
    // outputs (1 becomes 1.4e-45), so `tf.oneHot(..., 'float32')` is wrong there.
    const positiveMask = tf.cast(tf.oneHot(partner, 2 * n), 'float32');
    const positive = tf.sum(tf.mul(s, positiveMask), 1); // [2N]
    // Exclude the anchor itself from the denominator.
    const self = tf.cast(tf.eye(2 * n), 'bool');
    const masked = tf.where(self, tf.fill([2 * n, 2 * n], Number.NEGATIVE_INFINITY), s);
    const logDenominator = tf.logSumExp(masked, 1); // [2N]
    return tf.mean(tf.sub(logDenominator, positive)) as tf.Scalar;
  });
}
