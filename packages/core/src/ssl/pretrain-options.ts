/**
 * Options, progress events and result of {@link pretrain}.
 */
import type { BatchSource } from './batch-source.js';

/** A scheduled value: a constant, or a function of the 0-based step (e.g. `warmupCosineLr(...)`). */
export type Scheduled = number | ((step: number, totalSteps: number, epoch: number) => number);

/** Per-step schedules handed to `trainStep` (each default: the method's own). */
export interface PretrainSchedule {
  learningRate?: Scheduled;
  weightDecay?: Scheduled;
  /** EMA momentum of the momentum network (BYOL, MoCo v3, DINO). */
  momentum?: Scheduled;
}

/**
 * The data of a run: a random-access {@link BatchSource} (resume jumps straight to the batch),
 * or a function returning the batches of an epoch as an (async) iterable (resume replays and
 * disposes the batches of the interrupted epoch that were already used).
 */
export type PretrainData<TBatch> =
  | BatchSource<TBatch>
  | ((epoch: number) => Iterable<TBatch> | AsyncIterable<TBatch>);

/** Options of {@link pretrain}. */
export interface PretrainOptions {
  /** Number of epochs. */
  epochs: number;
  /** Images per step. */
  batchSize: number;
  /** Steps per epoch (default: the source's; required when `data` is an iterable factory). */
  stepsPerEpoch?: number;
  /** Learning rate, weight decay and momentum per step (default: the method's). */
  schedule?: PretrainSchedule;
  /** Seed of the run's generator, which hands one fork per step to `trainStep` (default 0). */
  seed?: number;
  /** Directory of `checkpoint.safetensors` (default: no checkpoints). */
  checkpointDir?: string;
  /** Write a checkpoint every this many steps (default: once per epoch), and always at the end. */
  checkpointEvery?: number;
  /**
   * Continue from `checkpointDir`'s checkpoint when there is one (default false: start afresh and
   * overwrite it). The run's options must match the checkpoint's (method, steps, batch size).
   */
  resume?: boolean;
  /** Called after every step. */
  onProgress?: (progress: PretrainProgress) => void;
  /** Called for warnings such as a collapse (default: `console.warn`). */
  onWarning?: (warning: PretrainWarning) => void;
  /** Collapse warning below `collapseRatio/√d` of the embeddings' std (default 0.1). */
  collapseRatio?: number;
  /**
   * Stops the run after the current step: a checkpoint is written (with `checkpointDir`) and
   * `pretrain` rejects with an `AbortError` (`code: 'E_ABORTED'`).
   */
  signal?: AbortSignal;
}

/** A progress event, after each step. */
export interface PretrainProgress {
  /** Steps completed (1-based count). */
  step: number;
  totalSteps: number;
  /** 0-based epoch of the step just done. */
  epoch: number;
  /** 1-based position of the step in its epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  loss: number;
  learningRate: number | undefined;
  /** Images per second over the steps of this session (resume excluded). */
  imagesPerSecond: number;
  /** Estimated seconds to the end at the current speed. */
  etaSeconds: number;
  /** `embeddingStd` of the step, if the method reports it. */
  embeddingStd: number | undefined;
  /** The method's own statistics. */
  stats: Record<string, number>;
}

/** A warning raised during the run. */
export interface PretrainWarning {
  kind: 'collapse';
  step: number;
  epoch: number;
  message: string;
}

/** What {@link pretrain} returns. */
export interface PretrainResult {
  /** Steps completed in total (resumed ones included). */
  steps: number;
  /** Mean loss of each completed epoch (resumed ones included). */
  epochLosses: number[];
  /** Loss of the last step. */
  finalLoss: number;
  /** Step the run resumed from (null when it started afresh). */
  resumedFrom: number | null;
  /** Path of the last checkpoint written (null without `checkpointDir`). */
  checkpointPath: string | null;
  /** Number of collapse warnings raised in this session. */
  collapseWarnings: number;
}
