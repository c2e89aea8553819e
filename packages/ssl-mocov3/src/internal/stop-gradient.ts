/**
 * sg(·), the stop-gradient of MoCo v3 (`torch.no_grad` on the keys): identity forward, zero gradient backward.
 * TF.js has no `stopGradient` op (tensorflow/tfjs#7438), so it is a `tf.customGrad`.
 */
import * as tf from '@tensorflow/tfjs-core';

const stop = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** `x` unchanged, but no gradient flows back through it. Returns a new tensor. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stop(x) as T;
}
