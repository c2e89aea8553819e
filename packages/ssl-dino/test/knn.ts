/**
 * Weighted k-NN accuracy of a frozen backbone (the protocol of DINO's `eval_knn.py` and of
 * `knnEval` in `@tumorxai/eval`, kept local so that this package's tests need no dependency on
 * it): l2-normalised features in inference mode, the k most cosine-similar training samples vote
 * with weight exp(s/T).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

interface Labelled {
  x: tf.Tensor4D;
  labels: Int32Array;
}

/** Accuracy in [0, 1] of k-NN (k 20, T 0.07) from `train` onto `test`. Disposes what it makes. */
export function knnAccuracy(
  backbone: tfl.LayersModel,
  train: Labelled,
  test: Labelled,
  numClasses: number,
  k = 20,
  temperature = 0.07,
): number {
  const sims = tf.tidy(() => {
    const features = (x: tf.Tensor4D) => {
      const f = backbone.apply(x, { training: false }) as tf.Tensor2D;
      return tf.div(f, tf.maximum(tf.norm(f, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
    };
    return tf.matMul(features(test.x), features(train.x), false, true);
  });
  const rows = sims.arraySync() as number[][];
  sims.dispose();
  let correct = 0;
  rows.forEach((row, i) => {
    const nearest = row
      .map((s, j) => [s, j] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, k);
    const votes = new Array<number>(numClasses).fill(0);
    for (const [s, j] of nearest) votes[train.labels[j]!]! += Math.exp(s / temperature);
    if (votes.indexOf(Math.max(...votes)) === test.labels[i]) correct++;
  });
  return correct / rows.length;
}
