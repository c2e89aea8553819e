/**
 * sg(·), the stop-gradient of BYOL, MoCo v3 (`torch.no_grad` on the keys) and DINO (teacher
 * outputs, center): identity forward, zero gradient backward. TF.js has no `stopGradient` op
 * (tensorflow/tfjs#7438), so it is a `tf.customGrad`.
 */
import * as tf from '@tensorflow/tfjs-core';

const identityWithoutGradient = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/**
 * A copy of `x` through which no gradient flows; owned by the caller, `x` is not disposed.
 *
 * @example
 * ```ts
 * const target = stopGradient(z2); // the loss treats z2 as a constant
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
