/**
 * The contract between a self-supervised method (SimCLR, BYOL, DINO, MoCo v3, or your own) and
 * the training loop {@link pretrain}.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Optimizer } from '../optim/optimizer.js';
import type { Rng } from '../rng.js';

/**
 * An augmentation recipe: from a batch of images `[N, H, W, C]` and a generator, the views of
 * every image (e.g. two for SimCLR, 2 global + n local crops for DINO), each `[N, h, w, C]`.
 * Views are new tensors owned by the caller; `images` is not disposed. The same generator state
 * must give the same views (resume depends on it).
 */
export type ViewsFn = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D[];

/** Where a training step is in the run, and the scheduled values for it. */
export interface TrainStepContext {
  /** 0-based global step. */
  step: number;
  /** Total steps of the run (the horizon of cosine schedules). */
  totalSteps: number;
  /** 0-based epoch (default 0). DINO's teacher temperature and frozen last layer use it. */
  epoch?: number;
  /** Steps per epoch (default `totalSteps`). */
  stepsPerEpoch?: number;
  /** Learning rate of this step (default: the method's own schedule). */
  learningRate?: number;
  /** Weight decay of this step (default: the optimiser's). */
  weightDecay?: number;
  /** EMA momentum of the momentum network for this step (default: the method's schedule). */
  momentum?: number;
  /** Randomness of this step, e.g. for the views (default: the method's own generator). */
  rng?: Rng;
}

/** What a training step reports. */
export interface TrainStepResult {
  /** The loss of the step, computed before the update. */
  loss: number;
  /** Method-specific scalars, e.g. `learningRate`, `momentum`, `temperature`. */
  stats: Record<string, number>;
  /**
   * For the collapse monitor: {@link embeddingStd} of the embeddings the loss compared, and their
   * dimension `d` (healthy ≈ 1/√d, collapsed ≈ 0).
   */
  collapse?: { std: number; dim: number };
}

/**
 * A self-supervised method. Implementations own the networks they create (heads, momentum
 * copies) and their optimiser; networks passed in by the caller (the backbone) stay the
 * caller's and are trained in place.
 *
 * - `trainStep` is synchronous and runs in `tf.tidy`: views → forward → loss → gradients over an
 *   explicit list of the online variables → optimiser → momentum update at the method's moment
 *   (before the forward for MoCo v3, after the optimiser step for BYOL and DINO). It must not
 *   dispose `batch` (the caller does) and must not leak.
 * - `getWeights` / `setWeights` cover every network (momentum copies included) and state tensor
 *   (e.g. DINO's center) so that a checkpoint restores the method exactly.
 *
 * @example
 * ```ts
 * const method: SSLMethod = new SimCLR({ backbone });
 * const { loss } = method.trainStep(images, { step: 0, totalSteps: 1000 });
 * ```
 */
export interface SSLMethod<TBatch = tf.Tensor4D> {
  /** Stable name written to checkpoints, e.g. `'simclr'`. */
  readonly name: string;
  /** The optimiser of the online variables (its state is checkpointed). */
  readonly optimizer: Optimizer;
  /** One optimisation step on `batch` (images `[N, H, W, C]` for the built-in methods). */
  trainStep(batch: TBatch, context: TrainStepContext): TrainStepResult;
  /** The network to evaluate or fine-tune after pretraining (each method documents which). */
  exportBackbone(): tfl.LayersModel;
  /** Snapshot of every network and state tensor; new tensors owned by the caller. */
  getWeights(): Record<string, tf.Tensor>;
  /** Restores a snapshot from {@link getWeights} exactly; inputs are not disposed. */
  setWeights(weights: Record<string, tf.Tensor>): void;
  /** Frees what the method created (not the networks passed in). */
  dispose(): void;
}
