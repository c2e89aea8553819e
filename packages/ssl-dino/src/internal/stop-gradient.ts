/**
 * `sg(·)`: an identity whose gradient is zero. TF.js has no `stopGradient` op (tensorflow/tfjs
 * issue #7438), so DINO's teacher branch and center use `tf.customGrad` (spec §10, TF.js notes).
 */
import * as tf from '@tensorflow/tfjs-core';

const identityWithoutGradient = tf.customGrad((...inputs: Array<tf.Tensor | unknown>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** A copy of `x` through which no gradient flows; owned by the caller, `x` is not disposed. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
