/**
 * MoCo v3's contrastive loss: InfoNCE between the queries of one view and the keys of the other,
 * in-batch negatives, no queue, scaled by 2τ.
 *
 * Reference: [0] MoCo v3, Chen, Xie, He 2021, https://arxiv.org/abs/2104.02057 (Alg. 1);
 * official `moco/builder.py` `contrastive_loss`. Spec `ssl.md` §4c.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, checkEmbeddings, l2Normalize, stopGradient } from '@tumorxai/core';

/** Options of {@link mocoV3Loss} and {@link mocoV3ContrastiveLoss}. */
export interface MoCoV3LossOptions {
  /** Temperature τ (default 1.0, the official ResNet-50 value; ViT uses 0.2). Must be ≥ 1e-8. */
  temperature?: number;
}

/** Smallest τ accepted. */
const MIN_TEMPERATURE = 1e-8;

function checkTemperature(fn: string, temperature: unknown): number {
  if (typeof temperature !== 'number' || !Number.isFinite(temperature)) {
    throw new ConfigError({
      fn,
      problem: 'temperature must be a finite number',
      got: temperature,
      fix: 'Pass e.g. { temperature: 1.0 } (ResNet) or { temperature: 0.2 } (ViT)',
    });
  }
  if (temperature < MIN_TEMPERATURE) {
    throw new ConfigError({
      fn,
      problem: 'temperature must be positive',
      expected: `>= ${MIN_TEMPERATURE}`,
      got: temperature,
      fix: 'Use the official 1.0 (ResNet) or 0.2 (ViT)',
    });
  }
  return temperature;
}

/** ctr(q, k) as a scalar, inside a tidy. */
function contrastive(q: tf.Tensor2D, k: tf.Tensor2D, temperature: number): tf.Scalar {
  const n = q.shape[0];
  const logits = tf.div(
    tf.matMul(l2Normalize(q), l2Normalize(stopGradient(k)), false, true),
    temperature,
  ); // [N, N]: row i = query i against every key; the positive is the diagonal
  // The positive read from the same matrix (diagonal mask), so N = 1 gives exactly 0.
  const positive = tf.sum(tf.mul(logits, tf.eye(n)), 1);
  const crossEntropy = tf.mean(tf.sub(tf.logSumExp(logits, 1), positive));
  return tf.mul(crossEntropy, 2 * temperature) as tf.Scalar;
}

/**
 * One direction of MoCo v3's loss, the official `contrastive_loss(q, k)`:
 *
 * ```
 * ctr(q, k) = 2τ · (1/N) Σ_i −log( exp(q̂_i·k̂_i/τ) / Σ_j exp(q̂_i·k̂_j/τ) ),   q̂ = l2n(q), k̂ = l2n(k)
 * ```
 *
 * Query i's positive is key i (same image, other view); the other N − 1 keys are its negatives.
 * `k` gets **no gradient** (the keys come from the momentum encoder under `torch.no_grad`).
 *
 * @param q Queries (online predictor outputs) `[N, D]`. Not disposed.
 * @param k Keys (momentum-encoder projections of the other view) `[N, D]`. Not disposed.
 * @returns A scalar owned by the caller.
 * @throws {ShapeError} unless q and k are non-empty 2-D tensors of the same shape.
 * @throws {ConfigError} unless the temperature is a finite number ≥ 1e-8.
 * @example
 * ```ts
 * const l12 = mocoV3ContrastiveLoss(q1, k2, { temperature: 1 }); // the fixtures' loss_q1k2
 * ```
 */
export function mocoV3ContrastiveLoss(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  options: MoCoV3LossOptions = {},
): tf.Scalar {
  const fn = 'mocoV3ContrastiveLoss';
  const temperature = checkTemperature(fn, options.temperature ?? 1);
  checkEmbeddings(fn, { q, k });
  return tf.tidy(() => contrastive(q, k, temperature));
}

/**
 * MoCo v3's symmetric loss, the official form: `L = ctr(q1, k2) + ctr(q2, k1)` with ctr as in
 * {@link mocoV3ContrastiveLoss} (each scaled by 2τ). There is no queue: the negatives are the
 * other keys of the batch.
 *
 * `q1`, `q2` are the online predictions pred(proj(f(x1))), pred(proj(f(x2))); `k1`, `k2` the
 * momentum-encoder projections proj_m(f_m(x1)), proj_m(f_m(x2)). Gradients reach `q1`, `q2` only:
 * the keys pass through a stop-gradient, so `tf.grads` gives them exact zeros. The log-sum-exp
 * is computed stably. N = 1 gives 0; identical keys give 2·2τ·log N.
 *
 * Porting note: the 2τ factor only rescales the gradient (it makes the loss magnitude
 * independent of τ); lightly has no MoCo v3 loss (its MoCo path is NT-Xent with a memory bank,
 * MoCo v2 style). With several devices the official code gathers the keys of every device; we
 * train on one, so the negatives are the local batch.
 *
 * @param q1 Online predictions of view 1 `[N, D]`. Not disposed.
 * @param q2 Online predictions of view 2 `[N, D]`. Not disposed.
 * @param k1 Momentum keys of view 1 `[N, D]`. Not disposed.
 * @param k2 Momentum keys of view 2 `[N, D]`. Not disposed.
 * @returns A scalar owned by the caller.
 * @throws {ShapeError} unless all four are non-empty 2-D tensors of one shape.
 * @throws {ConfigError} unless the temperature is a finite number ≥ 1e-8.
 * @example
 * ```ts
 * const loss = mocoV3Loss(q1, q2, k1, k2, { temperature: 1.0 });
 * console.log(loss.dataSync()[0]);
 * loss.dispose();
 * ```
 */
export function mocoV3Loss(
  q1: tf.Tensor2D,
  q2: tf.Tensor2D,
  k1: tf.Tensor2D,
  k2: tf.Tensor2D,
  options: MoCoV3LossOptions = {},
): tf.Scalar {
  const fn = 'mocoV3Loss';
  const temperature = checkTemperature(fn, options.temperature ?? 1);
  checkEmbeddings(fn, { q1, q2, k1, k2 });
  return tf.tidy(
    () => tf.add(contrastive(q1, k2, temperature), contrastive(q2, k1, temperature)) as tf.Scalar,
  );
}
