/**
 * A small but complete SSLMethod for the tests of `pretrain`: an MLP encoder trained to match a
 * momentum copy of itself on two noisy views (BYOL-like, with a predictor), so that checkpoints
 * hold online networks, a momentum copy with BN statistics and optimiser slots.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  AdamW,
  assignWeights,
  collectWeights,
  createMlpHead,
  createRng,
  embeddingStd,
  l2Normalize,
  MomentumEncoder,
  minimize,
  type Optimizer,
  type SSLMethod,
  type TrainStepContext,
  type TrainStepResult,
} from '../src/index.js';

export class ToyMethod implements SSLMethod<tf.Tensor2D> {
  readonly name = 'toy';
  readonly optimizer: Optimizer;
  readonly encoder: tfl.LayersModel;
  readonly predictor: tfl.LayersModel;
  readonly target: MomentumEncoder;
  readonly contexts: TrainStepContext[] = [];
  private readonly rng = createRng(0);

  constructor(seed: number, optimizer: Optimizer = new AdamW({ weightDecay: 1e-4 })) {
    this.encoder = createMlpHead({
      inputDim: 8,
      hiddenDims: [16],
      outputDim: 8,
      seed,
      name: 'enc',
    });
    this.predictor = createMlpHead({
      inputDim: 8,
      hiddenDims: [8],
      outputDim: 8,
      seed: seed + 1,
      name: 'pred',
    });
    this.target = new MomentumEncoder(this.encoder);
    this.optimizer = optimizer;
  }

  trainStep(batch: tf.Tensor2D, context: TrainStepContext): TrainStepResult {
    this.contexts.push(context);
    const rng = context.rng ?? this.rng;
    const [s1, s2] = [rng.seed(), rng.seed()];
    const params = [...this.encoder.trainableWeights, ...this.predictor.trainableWeights].map(
      (w) => w.read() as tf.Variable,
    );
    let z!: tf.Tensor;
    const loss = tf.tidy(() => {
      const v1 = tf.add(batch, tf.randomNormal(batch.shape, 0, 0.1, 'float32', s1));
      const v2 = tf.add(batch, tf.randomNormal(batch.shape, 0, 0.1, 'float32', s2));
      const k = l2Normalize(this.target.apply(v2)); // outside the gradient closure: no gradient
      return minimize(
        this.optimizer,
        params,
        () => {
          const h = this.encoder.apply(v1, { training: true }) as tf.Tensor;
          z = tf.keep(h);
          const p = l2Normalize(this.predictor.apply(h, { training: true }) as tf.Tensor);
          return tf.mean(tf.sum(tf.square(tf.sub(p, k)), 1)) as tf.Scalar;
        },
        { learningRate: context.learningRate ?? 1e-2, weightDecay: context.weightDecay },
      );
    });
    this.target.update(context.momentum ?? 0.9);
    const value = loss.dataSync()[0]!;
    const std = embeddingStd(z);
    tf.dispose([loss, z]);
    return { loss: value, stats: { momentum: context.momentum ?? 0.9 }, collapse: { std, dim: 8 } };
  }

  exportBackbone(): tfl.LayersModel {
    return this.encoder;
  }

  private networks() {
    return { encoder: this.encoder, predictor: this.predictor, target: this.target.networks[0]! };
  }

  getWeights(): Record<string, tf.Tensor> {
    return collectWeights(this.networks());
  }

  setWeights(weights: Record<string, tf.Tensor>): void {
    assignWeights(this.networks(), weights, 'ToyMethod.setWeights');
  }

  dispose(): void {
    this.target.dispose();
    this.encoder.dispose();
    this.predictor.dispose();
    this.optimizer.dispose();
  }
}

/** Clustered 8-d points: 4 centres, `n` samples. */
export function toyData(n: number, seed = 1): tf.Tensor2D {
  const rng = createRng(seed);
  const centres = Array.from({ length: 4 }, () =>
    Array.from({ length: 8 }, () => rng.normal(0, 2)),
  );
  const rows = Array.from({ length: n }, (_, i) =>
    centres[i % 4]!.map((c) => c + rng.normal(0, 0.3)),
  );
  return tf.tensor2d(rows);
}

/** Every weight and optimiser slot of `method`, as plain arrays. */
export function snapshot(method: SSLMethod<tf.Tensor2D>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const weights = method.getWeights();
  const { slots } = method.optimizer.getState();
  for (const [k, t] of Object.entries(weights)) out[`w:${k}`] = Array.from(t.dataSync());
  for (const [k, t] of Object.entries(slots)) out[`o:${k}`] = Array.from(t.dataSync());
  tf.dispose([weights, slots]);
  return out;
}
