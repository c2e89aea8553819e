/**
 * Helpers for the tests of SSL methods: a tiny conv-free backbone, random images, cheap views,
 * weight snapshots and an optimiser that records the variables it is given.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Optimizer, OptimizerState, OptimizerStepOptions } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import type { Rng } from '../rng.js';
import { weightsInCreationOrder } from '../ssl/weights.js';

/** Images [N, side, side, 1] → 16-d features (flatten → dense → BN → ReLU). */
export function tinyBackbone(side = 8, seed = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [side, side, 1] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({
      units: 16,
      useBias: false,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .batchNormalization({ epsilon: 1e-5, momentum: 0.9 })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'tiny_backbone' });
}

/** Random images in [0, 1]. */
export function randomImages(n: number, side = 8, seed = 3): tf.Tensor4D {
  return tf.tidy(() => tf.randomUniform([n, side, side, 1], 0, 1, 'float32', seed) as tf.Tensor4D);
}

/** Two cheap views: the images plus seeded noise. */
export const noiseViews = (images: tf.Tensor4D, rng: Rng): tf.Tensor4D[] =>
  [rng.seed(), rng.seed()].map((s) =>
    tf.tidy(
      () => tf.add(images, tf.randomNormal(images.shape, 0, 0.1, 'float32', s)) as tf.Tensor4D,
    ),
  );

/** Every weight of `model` (creation order) as plain arrays. */
export const weightArrays = (m: tfl.LayersModel): number[][] =>
  weightsInCreationOrder(m).map((w) => Array.from(w.read().dataSync()));

/** Which weights of `model` (creation order) are trainable. */
export const trainableMask = (m: tfl.LayersModel): boolean[] =>
  weightsInCreationOrder(m).map((w) => w.trainable);

/** An SGD that records the ids of the variables of every `applyGradients` call. */
export class RecordingOptimizer implements Optimizer {
  readonly inner = new SGD({ momentum: 0.9 });
  readonly calls: number[][] = [];
  get kind() {
    return this.inner.kind;
  }
  get iterations() {
    return this.inner.iterations;
  }
  applyGradients(
    params: readonly tf.Variable[],
    grads: readonly (tf.Tensor | null | undefined)[],
    options: OptimizerStepOptions,
  ): void {
    this.calls.push(params.map((p) => p.id));
    this.inner.applyGradients(params, grads, options);
  }
  getState(): OptimizerState {
    return this.inner.getState();
  }
  setState(state: OptimizerState): void {
    this.inner.setState(state);
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** The largest |got − expected| over all entries. */
export function maxAbsDiff(got: number[], expected: number[]): number {
  let worst = 0;
  got.forEach((g, i) => {
    worst = Math.max(worst, Math.abs(g - expected[i]!));
  });
  return worst;
}
