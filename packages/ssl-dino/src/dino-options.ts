/**
 * Options of the `DINO` method and their defaults (the ResNet-50 recipe of the official README,
 * spec `ssl.md` §3e, with the MRI crops of `dinoViews`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  cosineSchedule,
  type Optimizer,
  ShapeError,
  type ViewsFn,
  warmupCosineLr,
} from '@tumorxai/core';
import { createDINOHead, type DINOHeadOptions } from './dino-head.js';
import type { DinoLossOptions } from './dino-loss.js';

/** A batch for `DINO.trainStep`: images (the views are made) or ready-made views. */
export type DINOBatch = tf.Tensor4D | readonly tf.Tensor4D[];

/** The loss of a step, `dinoLoss`'s signature. */
export type DINOLossFn = (
  studentOut: readonly tf.Tensor2D[],
  teacherOut: readonly tf.Tensor2D[],
  center: tf.Tensor1D,
  options: Required<DinoLossOptions>,
) => tf.Scalar;

/** Learning rate as a function of the step, the horizon and the images per step. */
export type DINOLearningRate =
  | number
  | ((step: number, totalSteps: number, batchSize: number) => number);

/** Options of `DINO`. Every part can be injected; defaults are the paper's ResNet-50 recipe. */
export interface DINOOptions {
  /**
   * Student backbone f: images `[N, H, W, C]` → features `[N, d]`, trained in place. It must
   * accept the local crops' size too: build it with `inputShape: [null, null, C]`.
   */
  backbone: tfl.LayersModel;
  /** Student head (default `createDINOHead({ inputDim: d, ...headOptions })`). */
  head?: tfl.LayersModel;
  /** Options of the default head (not with `head`), e.g. `{ outputDim: 4096 }`. */
  headOptions?: Omit<DINOHeadOptions, 'inputDim'>;
  /** Augmentation recipe (default `dinoViews()`: 2 global + 8 local crops, MRI defaults). */
  views?: ViewsFn;
  /** Number of leading views that are global crops and go to the teacher (default 2). */
  globalViews?: number;
  /** Loss (default `dinoLoss`). */
  loss?: DINOLossFn;
  /** Student temperature τ_s (default 0.1). */
  studentTemperature?: number;
  /**
   * Teacher temperature τ_t, a constant or a function of the 0-based epoch (default 0.04, constant:
   * the official code's default, which its ResNet-50 recipe uses). The paper's ViT schedule is
   * `teacherTemperatureSchedule()` (0.04 → 0.07 over 30 epochs); on short runs its 0.07 end let
   * the teacher drift to the uniform distribution in our measurements (see the README).
   */
  teacherTemperature?: number | ((epoch: number) => number);
  /** Center momentum (default 0.9). */
  centerMomentum?: number;
  /**
   * Teacher EMA momentum when the step context gives none: a constant or a function of (step,
   * totalSteps) (default {@link defaultMomentum}: cosine 0.996 → 1, the paper's, with the start
   * lowered on runs shorter than 2,500 steps so that the teacher does not stay at its random
   * initialisation).
   */
  momentum?: number | ((step: number, totalSteps: number) => number);
  /** Optimiser (default `new SGD({ momentum: 0.9, weightDecay: 1e-4 })`, ResNet-50 recipe). */
  optimizer?: Optimizer;
  /**
   * Learning rate when the step context gives none (default: 0.03·B/256 for B images per step,
   * 10 % linear warm-up, then cosine to 1e-6).
   */
  learningRate?: DINOLearningRate;
  /** Clip each parameter's gradient to this norm (default 3.0, DINO's); `null` disables it. */
  clipGradNorm?: number | null;
  /**
   * Epochs during which the head's last layer gets no gradient (default 1). The epoch is the step
   * context's (`pretrain` passes it); a loop that passes neither `epoch` nor `stepsPerEpoch` runs
   * in epoch 0 throughout, so the last layer never trains there: pass 0, or pass the epoch.
   */
  freezeLastLayerEpochs?: number;
  /** Seed of the default head and of the fallback generator (default 0). */
  seed?: number;
}

/** DINO's ResNet-50 learning rate: 0.03·B/256, 10 % linear warm-up, cosine to 1e-6. */
export function defaultLearningRate(step: number, totalSteps: number, batchSize: number): number {
  const total = Math.max(totalSteps, 1);
  const baseLr = (0.03 * batchSize) / 256;
  return warmupCosineLr({
    baseLr,
    warmupSteps: Math.floor(total / 10),
    totalSteps: total,
    minLr: Math.min(1e-6, baseLr),
  })(step);
}

/**
 * The start m₀ of the default teacher momentum for a run of `totalSteps` steps:
 * `min(0.996, 1 − 10/totalSteps)` (at least 0). The teacher averages the students of the last
 * ~1/(1 − m) steps; the paper's 0.996 (a window of 250 steps, for runs of 10⁵ steps and more)
 * would leave the teacher of a short run mostly at its random initialisation — after 100 steps of
 * the cosine 0.996 → 1 it is still 82 % the initial weights (`exp(−Σ(1 − m))`), and
 * `exportBackbone()` would hand out a barely trained network. So the window is capped at a tenth
 * of the run, the proportion of DINO's learning-rate warm-up; runs of 2,500 steps or more keep
 * 0.996. BYOL's own presets lower the start for shorter runs the same way (0.996 for 1000 epochs,
 * 0.99 for 300, 0.97 for 40).
 *
 * Porting note: the official DINO code starts at 0.996 whatever the run's length.
 */
export function defaultMomentumStart(totalSteps: number): number {
  return Math.min(0.996, Math.max(0, 1 - 10 / Math.max(totalSteps, 1)));
}

/**
 * DINO's teacher momentum: cosine from {@link defaultMomentumStart} (0.996 on runs of 2,500 steps
 * or more) to 1 over the run.
 */
export function defaultMomentum(step: number, totalSteps: number): number {
  return cosineSchedule(step, totalSteps, defaultMomentumStart(totalSteps), 1);
}

/** Checks the scalar options of `DINO` (throws `ConfigError`). */
export function checkDINOOptions(options: DINOOptions): void {
  const fn = 'DINO';
  const { globalViews, freezeLastLayerEpochs, clipGradNorm } = options;
  if (globalViews !== undefined && (!Number.isInteger(globalViews) || globalViews < 1)) {
    throw new ConfigError({
      fn,
      problem: 'globalViews must be a positive integer',
      got: globalViews,
    });
  }
  if (
    freezeLastLayerEpochs !== undefined &&
    (!Number.isInteger(freezeLastLayerEpochs) || freezeLastLayerEpochs < 0)
  ) {
    throw new ConfigError({
      fn,
      problem: 'freezeLastLayerEpochs must be a non-negative integer',
      got: freezeLastLayerEpochs,
    });
  }
  if (clipGradNorm !== undefined && clipGradNorm !== null && !(clipGradNorm > 0)) {
    throw new ConfigError({
      fn,
      problem: 'clipGradNorm must be positive, or null to disable clipping',
      got: clipGradNorm,
    });
  }
  if (options.head && options.headOptions) {
    throw new ConfigError({
      fn,
      problem: 'pass either head or headOptions, not both',
      fix: 'Build your head with createDINOHead({ inputDim, ...options }) and pass it as head',
    });
  }
}

/**
 * Checks that the backbone outputs `[N, d]` features, builds the default head on them (or checks
 * the given one maps `[N, d]` to `[N, K]`), and returns it with K.
 *
 * @throws {ShapeError} naming the mismatch.
 */
export function resolveHead(
  options: DINOOptions,
  seed: number,
): { head: tfl.LayersModel; ownsHead: boolean; outputDim: number } {
  const outShape = options.backbone?.outputs?.[0]?.shape;
  if (outShape?.length !== 2 || typeof outShape[1] !== 'number') {
    throw new ShapeError({
      fn: 'DINO',
      problem: 'the backbone must output features [N, d]',
      got: outShape ? `output shape ${JSON.stringify(outShape)}` : 'no model',
      fix: 'End the backbone in global average pooling, e.g. createResNet({ depth: 50, inputShape: [null, null, 1] })',
    });
  }
  const dim = outShape[1];
  const ownsHead = !options.head;
  const head = options.head ?? createDINOHead({ ...options.headOptions, inputDim: dim, seed });
  const headIn = head.inputs[0]?.shape;
  const headOut = head.outputs[0]?.shape;
  if (headIn?.[1] !== dim || headOut?.length !== 2 || typeof headOut[1] !== 'number') {
    if (ownsHead) head.dispose();
    throw new ShapeError({
      fn: 'DINO',
      problem: 'the head must map the backbone features [N, d] to logits [N, K]',
      expected: `input [N, ${dim}], output [N, K]`,
      got: `input ${JSON.stringify(headIn)}, output ${JSON.stringify(headOut)}`,
    });
  }
  return { head, ownsHead, outputDim: headOut[1] };
}
