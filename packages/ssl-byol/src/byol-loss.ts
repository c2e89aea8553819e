/**
 * BYOL's loss: the normalised regression of the online prediction onto the target projection,
 * symmetrised over the two views.
 *
 * Reference: [0] BYOL, Grill et al. 2020, https://arxiv.org/abs/2006.07733 (Eq. 2);
 * official `byol/utils/helpers.py` `regression_loss` and `byol_experiment.py` `loss_fn`.
 * Spec `ssl.md` §2c, deviations §10.2.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkEmbeddings, l2Normalize, stopGradient } from '@tumorxai/core';

/** `[N]`: 2 − 2·cos(p_b, z_b) = ‖l2n(p_b) − l2n(z_b)‖², with no gradient into z. */
function regression(p: tf.Tensor2D, z: tf.Tensor2D): tf.Tensor1D {
  const cos = tf.sum(tf.mul(l2Normalize(p), l2Normalize(stopGradient(z))), 1);
  return tf.sub(2, tf.mul(2, cos)) as tf.Tensor1D;
}

/**
 * One direction of BYOL's loss: `mean_b ‖l2n(p_b) − l2n(z_b)‖² = mean_b (2 − 2·cos(p_b, z_b))`,
 * range [0, 4]. `z` is a target and gets **no gradient** (sg in the paper): the function is
 * safe even when the target is computed inside a gradient closure.
 *
 * @param p Online predictions `[N, D]`. Not disposed.
 * @param z Target projections `[N, D]` (the other view). Not disposed.
 * @returns A scalar owned by the caller.
 * @throws {ShapeError} unless p and z are non-empty 2-D tensors of the same shape.
 * @example
 * ```ts
 * const l12 = byolRegressionLoss(p1, z2); // the fixtures' loss_p1z2
 * ```
 */
export function byolRegressionLoss(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  checkEmbeddings('byolRegressionLoss', { p, z });
  return tf.tidy(() => tf.mean(regression(p, z)) as tf.Scalar);
}

/**
 * BYOL's symmetric loss, the official form:
 *
 * ```
 * L = mean_b [ (2 − 2·cos(p1_b, sg(z2_b))) + (2 − 2·cos(p2_b, sg(z1_b))) ]     ∈ [0, 8]
 * ```
 *
 * `p1`, `p2` are the online predictions q(g(f(v1))), q(g(f(v2))); `z1`, `z2` the target
 * projections g_ξ(f_ξ(v1)), g_ξ(f_ξ(v2)). `p1` pairs with `z2`, `p2` with `z1`. Cosines use
 * `l2n(x) = x / max(‖x‖, 1e-12)` (PyTorch; spec §0). Gradients reach `p1`, `p2` only: the targets
 * are wrapped in a stop-gradient, so `tf.grads` gives them exact zeros.
 *
 * Porting note: lightly's `NegativeCosineSimilarity` gives `−mean cos` (range [−1, 1]) and its
 * ResNet-50 benchmark minimises `L − 4`; the gradients of `L` and `L − 4` are identical, the
 * SimSiam form `−(cos̄₁₂ + cos̄₂₁)/2` has ¼ of them (spec §10.2). We return the official `L`.
 *
 * @param p1 Online predictions of view 1 `[N, D]`. Not disposed.
 * @param p2 Online predictions of view 2 `[N, D]`. Not disposed.
 * @param z1 Target projections of view 1 `[N, D]`. Not disposed.
 * @param z2 Target projections of view 2 `[N, D]`. Not disposed.
 * @returns A scalar owned by the caller.
 * @throws {ShapeError} unless all four are non-empty 2-D tensors of one shape.
 * @example
 * ```ts
 * const loss = byolLoss(p1, p2, z1, z2);
 * console.log(loss.dataSync()[0]); // 0 when predictions and targets align, 4 when orthogonal
 * loss.dispose();
 * ```
 */
export function byolLoss(
  p1: tf.Tensor2D,
  p2: tf.Tensor2D,
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
): tf.Scalar {
  checkEmbeddings('byolLoss', { p1, p2, z1, z2 });
  return tf.tidy(() => tf.mean(tf.add(regression(p1, z2), regression(p2, z1))) as tf.Scalar);
}
