/**
 * Options and defaults of the {@link SimCLR} method.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type Optimizer, type ViewsFn, warmupCosineLr } from '@tumorxai/core';

/** A batch for {@link SimCLR.trainStep}: images (views are made) or two ready-made views. */
export type SimCLRBatch = tf.Tensor4D | readonly [tf.Tensor4D, tf.Tensor4D];

/** Learning rate as a function of the step, the horizon and the images per step. */
export type SimCLRLearningRate =
  | number
  | ((step: number, totalSteps: number, batchSize: number) => number);

/** Options of {@link SimCLR}. */
export interface SimCLROptions {
  /** Encoder f: images `[N, H, W, C]` → features `[N, d]` (e.g. `createResNet({ depth: 50 })`). */
  backbone: tfl.LayersModel;
  /** Projection head g (default `createSimCLRProjectionHead({ inputDim: d, hiddenDim: d })`). */
  projectionHead?: tfl.LayersModel;
  /** Loss of the two projections (default `ntXentLoss` with `temperature`). */
  loss?: (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar;
  /** NT-Xent temperature (default 0.5; ignored with a custom `loss`). */
  temperature?: number;
  /** Augmentation recipe (default `simclrViews()`, MRI defaults). */
  views?: ViewsFn;
  /** Optimiser (default `new LARS({ weightDecay: 1e-6 })`, spec §1e). */
  optimizer?: Optimizer;
  /**
   * Learning rate when the step context gives none (default: square-root scaling
   * 0.075·√B for B images per step, 10 % linear warm-up then cosine to 0 — spec §1e).
   */
  learningRate?: SimCLRLearningRate;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
  /** Seed of the default head and of the fallback generator (default 0). */
  seed?: number;
}

/** The spec's small-batch default: lr = 0.075·√B, 10 % warm-up, cosine to 0. */
export function defaultLearningRate(step: number, totalSteps: number, batchSize: number): number {
  const total = Math.max(totalSteps, 1);
  return warmupCosineLr({
    baseLr: 0.075 * Math.sqrt(batchSize),
    warmupSteps: Math.floor(total / 10),
    totalSteps: total,
  })(step);
}
