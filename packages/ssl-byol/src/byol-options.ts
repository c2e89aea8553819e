/**
 * Options and input types of the {@link BYOL} method.
 *
 * Reference: [0] BYOL, Grill et al. 2020, https://arxiv.org/abs/2006.07733. Spec `ssl.md` §2.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type {
  MethodLearningRate,
  MomentumEncoderOptions,
  Optimizer,
  ViewsFn,
} from '@tumorxai/core';

/** A batch for `BYOL.trainStep`: images (views are made) or two ready-made views. */
export type BYOLBatch = tf.Tensor4D | readonly [tf.Tensor4D, tf.Tensor4D];

/** Learning rate as a function of the step, the horizon and the images per step. */
export type BYOLLearningRate = MethodLearningRate;

/** Options of {@link BYOL}. */
export interface BYOLOptions {
  /** Encoder f: images `[N, H, W, C]` → features `[N, d]` (e.g. `createResNet({ depth: 50 })`). */
  backbone: tfl.LayersModel;
  /** Projector g (default `createBYOLProjectionHead({ inputDim: d, hiddenDim, outputDim })`). */
  projectionHead?: tfl.LayersModel;
  /** Predictor q (default `createBYOLPredictionHead({ inputDim: outputDim, hiddenDim, outputDim })`). */
  predictionHead?: tfl.LayersModel;
  /** Hidden width of the default heads (default 4096). */
  hiddenDim?: number;
  /** Projection / prediction size of the default heads (default 256). */
  outputDim?: number;
  /** Loss `(p1, p2, z1, z2)` (default `byolLoss`). */
  loss?: (p1: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar;
  /** Augmentation recipe (default `byolViews()`, MRI defaults). */
  views?: ViewsFn;
  /** Optimiser of the online network (default `new LARS({ weightDecay: 1.5e-6 })`, spec §2e). */
  optimizer?: Optimizer;
  /**
   * Learning rate when the step context gives none (default: 0.2·B/256 for B images per step,
   * linear warm-up over 10 epochs (at most 10 % of the run), then cosine to 0 — spec §2e).
   */
  learningRate?: BYOLLearningRate;
  /**
   * τ_base of the target momentum τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2 (default 0.996, the
   * paper's; the official 100/300-epoch presets use 0.99). A step context's `momentum` wins.
   */
  baseMomentum?: number;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
  /** How the target copies are built (default: from the networks' configs). */
  clone?: MomentumEncoderOptions['clone'];
  /** Seed of the default heads and of the fallback generator (default 0). */
  seed?: number;
}
