/**
 * Gradient clipping by norm: global (PyTorch `clip_grad_norm_`) and per parameter (DINO's
 * `utils.clip_gradients`, spec §3e: clip 3.0 per parameter).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';

type Grads = readonly (tf.Tensor | null | undefined)[];

function checkMaxNorm(fn: string, maxNorm: number): void {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new ConfigError({
      fn,
      problem: 'maxNorm must be a positive finite number',
      got: maxNorm,
    });
  }
}

/**
 * Scales all gradients by `min(1, maxNorm/(‖g‖ + 1e-6))` where ‖g‖ is the l2 norm of all of them
 * together, as `torch.nn.utils.clip_grad_norm_`.
 *
 * @param grads Gradients; `null` entries stay `null`. Not disposed.
 * @returns New gradient tensors and the total norm before clipping, all owned by the caller.
 * @throws {ConfigError} unless maxNorm > 0.
 * @example
 * ```ts
 * const { grads: clipped, totalNorm } = clipGradNorm(grads, 1.0);
 * ```
 */
export function clipGradNorm(
  grads: Grads,
  maxNorm: number,
): { grads: (tf.Tensor | null)[]; totalNorm: tf.Scalar } {
  checkMaxNorm('clipGradNorm', maxNorm);
  const { coef, totalNorm } = tf.tidy(() => {
    const squares = grads.filter((g): g is tf.Tensor => !!g).map((g) => tf.sum(tf.square(g)));
    const norm = (squares.length ? tf.sqrt(tf.addN(squares)) : tf.scalar(0)) as tf.Scalar;
    return { coef: tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1), totalNorm: norm };
  });
  const clipped = grads.map((g) => (g ? tf.mul(g, coef) : null));
  coef.dispose();
  return { grads: clipped, totalNorm };
}

/**
 * Scales each gradient by `maxNorm/(‖g_i‖ + 1e-6)` when that factor is below 1, independently
 * per parameter, as DINO's `clip_gradients`.
 *
 * @param grads Gradients; `null` entries stay `null`. Not disposed.
 * @returns New gradient tensors owned by the caller.
 * @throws {ConfigError} unless maxNorm > 0.
 */
export function clipGradNormPerParameter(grads: Grads, maxNorm: number): (tf.Tensor | null)[] {
  checkMaxNorm('clipGradNormPerParameter', maxNorm);
  return grads.map((g) =>
    g ? tf.tidy(() => tf.mul(g, tf.minimum(tf.div(maxNorm, tf.add(tf.norm(g), 1e-6)), 1))) : null,
  );
}
