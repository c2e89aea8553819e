/**
 * Options and input types of the {@link MoCoV3} method.
 *
 * Reference: [0] MoCo v3, Chen, Xie, He 2021, https://arxiv.org/abs/2104.02057. Spec `ssl.md` §4.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type {
  MethodLearningRate,
  MomentumEncoderOptions,
  Optimizer,
  ViewsFn,
} from '@tumorxai/core';

/** A batch for `MoCoV3.trainStep`: images (views are made) or two ready-made views. */
export type MoCoV3Batch = tf.Tensor4D | readonly [tf.Tensor4D, tf.Tensor4D];

/** Learning rate as a function of the step, the horizon and the images per step. */
export type MoCoV3LearningRate = MethodLearningRate;

/** Options of {@link MoCoV3}. */
export interface MoCoV3Options {
  /**
   * Encoder f: images `[N, H, W, C]` → features `[N, d]`. MoCo v3 builds its ResNet with
   * zero-initialised residual BN: `createResNet({ depth: 50, zeroInitResidual: true })`.
   */
  backbone: tfl.LayersModel;
  /** Projector (default `createMoCoV3ProjectionHead({ inputDim: d, hiddenDim, outputDim })`). */
  projectionHead?: tfl.LayersModel;
  /** Predictor (default `createMoCoV3PredictionHead({ inputDim: outputDim, hiddenDim, outputDim })`). */
  predictionHead?: tfl.LayersModel;
  /** Hidden width of the default heads (default 4096). */
  hiddenDim?: number;
  /** Projection / prediction size of the default heads (default 256). */
  outputDim?: number;
  /** Temperature τ of the default loss (default 1.0, ResNet-50; ignored with a custom `loss`). */
  temperature?: number;
  /** Loss `(q1, q2, k1, k2)` (default `mocoV3Loss` with `temperature`). */
  loss?: (q1: tf.Tensor2D, q2: tf.Tensor2D, k1: tf.Tensor2D, k2: tf.Tensor2D) => tf.Scalar;
  /** Augmentation recipe (default `mocoV3Views()`). */
  views?: ViewsFn;
  /** Optimiser of the online network (default `new LARS({ weightDecay: 1e-6 })`, spec §4e). */
  optimizer?: Optimizer;
  /**
   * Learning rate when the step context gives none (default: 0.6·B/256 for B images per step,
   * the 100-epoch ResNet-50 preset; linear warm-up over 10 epochs (at most 10 % of the run), then
   * cosine to 0 — spec §4e).
   */
  learningRate?: MoCoV3LearningRate;
  /**
   * m₀ of the momentum m_k = 1 − (1 − m₀)(cos(πk/K) + 1)/2 (default 0.99, the 100/300-epoch
   * presets; 1000 epochs use 0.996). A step context's `momentum` wins.
   */
  baseMomentum?: number;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
  /** How the momentum copies are built (default: from the networks' configs). */
  clone?: MomentumEncoderOptions['clone'];
  /** Seed of the default heads and of the fallback generator (default 0). */
  seed?: number;
}
