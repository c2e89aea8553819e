import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@tumorxai/core';

/**
 * Gaussian blobs: `perClass` points per class around random centres N(0, 1)^dim (drawn from
 * `centreSeed`), with noise N(0, spread²) drawn from `noiseSeed`: the same centres with another
 * noise seed give a test set of the same distribution.
 */
export function blobs(
  numClasses: number,
  perClass: number,
  dim: number,
  centreSeed: number,
  noiseSeed: number,
  spread = 0.3,
) {
  const centreRng = createRng(centreSeed);
  const centres = Array.from({ length: numClasses }, () =>
    Array.from({ length: dim }, () => centreRng.normal(0, 1)),
  );
  const rng = createRng(noiseSeed);
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < numClasses; c++) {
      for (let j = 0; j < dim; j++) values.push(centres[c]![j]! + rng.normal(0, spread));
      labels.push(c);
    }
  }
  return {
    features: tf.tensor2d(values, [numClasses * perClass, dim]),
    labels: Int32Array.from(labels),
  };
}
