/**
 * `pretrain`: the training loop shared by every self-supervised method — step and epoch
 * accounting, schedules, progress, collapse monitor, atomic checkpoints, exact resume, abort.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { AbortError, ConfigError } from '../errors.js';
import { createRng } from '../rng.js';
import { withCleanup } from '../with-cleanup.js';
import { createBatchFetcher, isBatchSource } from './batch-fetcher.js';
import { checkpointFile, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { SSLMethod } from './method.js';
import type {
  PretrainData,
  PretrainOptions,
  PretrainResult,
  Scheduled,
} from './pretrain-options.js';
import { resumeFromCheckpoint } from './resume.js';

const evaluate = (s: Scheduled | undefined, step: number, total: number, epoch: number) =>
  s === undefined ? undefined : typeof s === 'number' ? s : s(step, total, epoch);

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError({
      fn: 'pretrain',
      problem: `${name} must be a positive integer`,
      got: value,
    });
  }
  return value;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains `method` for `epochs × stepsPerEpoch` steps.
 *
 * Each step: fetch batch (epoch, index) → `method.trainStep(batch, { step, totalSteps, epoch,
 * stepsPerEpoch, learningRate, weightDecay, momentum, rng })` with the scheduled values and one
 * fork of the run's generator → dispose the batch → progress event → collapse check → checkpoint
 * every `checkpointEvery` steps and at the end.
 *
 * **Resume is exact**: a checkpoint holds every network (momentum copies and BN statistics
 * included), the optimiser state, the generator state, the step and the loss history; batches
 * are addressed by (epoch, index). Resuming gives bit-identical weights to an uninterrupted run on
 * a deterministic backend (cpu, wasm).
 *
 * **Abort**: when `signal` fires, the current step finishes, a checkpoint is written (with
 * `checkpointDir`), and the promise rejects with `AbortError` whose message names the step and
 * the checkpoint. Call `pretrain` again with `resume: true` to continue.
 *
 * **Collapse monitor**: when the method reports `collapse: { std, dim }` (lightly's
 * `std_of_l2_normalized`) below `collapseRatio/√dim`, `onWarning` is called once per epoch.
 *
 * @param method The method to train; its weights change in place.
 * @param data A {@link BatchSource} or a function `(epoch) => Iterable | AsyncIterable` of
 *   batches. Every batch is disposed after its step.
 * @throws {ConfigError} for invalid options or a checkpoint from another run.
 * @throws {AbortError} when `signal` stops the run.
 * @example
 * ```ts
 * const result = await pretrain(new SimCLR({ backbone }), tensorBatchSource(images), {
 *   epochs: 100, batchSize: 256, checkpointDir: 'runs/simclr', resume: true,
 *   onProgress: (p) => console.log(`${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)}`),
 * });
 * ```
 */
export async function pretrain<TBatch>(
  method: SSLMethod<TBatch>,
  data: PretrainData<TBatch>,
  options: PretrainOptions,
): Promise<PretrainResult> {
  const epochs = positiveInteger('epochs', options.epochs);
  const batchSize = positiveInteger('batchSize', options.batchSize);
  if (options.stepsPerEpoch === undefined && !isBatchSource(data)) {
    throw new ConfigError({
      fn: 'pretrain',
      problem: 'stepsPerEpoch is required when data is an iterable factory',
      fix: 'Pass { stepsPerEpoch } or a BatchSource such as tensorBatchSource(images)',
    });
  }
  const stepsPerEpoch = positiveInteger(
    'stepsPerEpoch',
    options.stepsPerEpoch ?? (isBatchSource(data) ? data.stepsPerEpoch(batchSize) : 0),
  );
  const checkpointEvery = positiveInteger(
    'checkpointEvery',
    options.checkpointEvery ?? stepsPerEpoch,
  );
  const totalSteps = epochs * stepsPerEpoch;
  const rng = createRng(options.seed ?? 0);
  const dir = options.checkpointDir;
  const path = dir === undefined ? null : checkpointFile(dir);
  const collapseRatio = options.collapseRatio ?? 0.1;
  const warn = options.onWarning ?? ((w) => console.warn(w.message));

  let start = 0;
  let epochLosses: number[] = [];
  let epochLossSum = 0;
  let finalLoss = Number.NaN;
  if (options.resume && path !== null && existsSync(path)) {
    ({ start, epochLosses, epochLossSum, finalLoss } = resumeFromCheckpoint(
      method,
      readCheckpoint(path),
      {
        totalSteps,
        stepsPerEpoch,
        batchSize,
        rng,
      },
    ));
  }

  let lastCheckpoint: number | null = null;
  let lastPath: string | null = null;
  const save = (completed: number) => {
    if (path === null || lastCheckpoint === completed) return;
    const weights = method.getWeights();
    const { slots, ...optimizer } = method.optimizer.getState();
    try {
      writeCheckpoint(path, {
        method: method.name,
        step: completed,
        totalSteps,
        stepsPerEpoch,
        batchSize,
        rngState: rng.getState(),
        optimizer,
        extra: { epochLosses, epochLossSum, finalLoss },
        weights,
        optimizerSlots: slots,
      });
    } finally {
      tf.dispose([weights, slots]);
    }
    lastCheckpoint = completed;
    lastPath = path;
  };

  const abort = (completed: number): AbortError => {
    save(completed);
    const where =
      lastPath === null
        ? 'No checkpoint was written (no checkpointDir)'
        : `A checkpoint is at ${lastPath}`;
    return new AbortError({
      fn: 'pretrain',
      problem: `stopped by the AbortSignal after step ${completed} of ${totalSteps}`,
      fix: `${where}; call pretrain again with { resume: true } to continue`,
    });
  };

  const fetcher = createBatchFetcher(data, batchSize);
  const began = performance.now();
  let images = 0;
  let collapseWarnings = 0;
  let warnedEpoch = -1;
  try {
    for (let step = start; step < totalSteps; step++) {
      const epoch = Math.floor(step / stepsPerEpoch);
      const index = step % stepsPerEpoch;
      if (options.signal?.aborted) throw abort(step);
      const batch = await fetcher.get(epoch, index);
      const learningRate = evaluate(options.schedule?.learningRate, step, totalSteps, epoch);
      const result = withCleanup(
        () =>
          method.trainStep(batch, {
            step,
            totalSteps,
            epoch,
            stepsPerEpoch,
            learningRate,
            weightDecay: evaluate(options.schedule?.weightDecay, step, totalSteps, epoch),
            momentum: evaluate(options.schedule?.momentum, step, totalSteps, epoch),
            rng: rng.fork('step'),
          }),
        () => tf.dispose(batch as tf.TensorContainer),
      );
      finalLoss = result.loss;
      epochLossSum += result.loss;
      if (index === stepsPerEpoch - 1) {
        epochLosses = [...epochLosses, epochLossSum / stepsPerEpoch];
        epochLossSum = 0;
      }
      images += batchSizeOf(batch, batchSize);
      const seconds = (performance.now() - began) / 1000;
      const done = step + 1;
      const collapse = result.collapse;
      if (
        collapse &&
        collapse.std < collapseRatio / Math.sqrt(collapse.dim) &&
        warnedEpoch !== epoch
      ) {
        warnedEpoch = epoch;
        collapseWarnings++;
        warn({
          kind: 'collapse',
          step: done,
          epoch,
          message: `pretrain: the embeddings may be collapsing at step ${done} (epoch ${epoch}): their per-dimension std ${collapse.std.toExponential(2)} is below ${collapseRatio}/√${collapse.dim} = ${(collapseRatio / Math.sqrt(collapse.dim)).toExponential(2)}. Lower the learning rate, check the augmentations, or raise the temperature.`,
        });
      }
      options.onProgress?.({
        step: done,
        totalSteps,
        epoch,
        stepInEpoch: index + 1,
        stepsPerEpoch,
        loss: result.loss,
        learningRate: learningRate ?? result.stats.learningRate,
        imagesPerSecond: images / Math.max(seconds, 1e-9),
        etaSeconds: ((totalSteps - done) * seconds) / (done - start),
        embeddingStd: collapse?.std,
        stats: result.stats,
      });
      if (done % checkpointEvery === 0 || done === totalSteps) save(done);
      await nextTick(); // lets an abort from a timer or signal handler land between steps
      if (options.signal?.aborted && done < totalSteps) {
        throw abort(done);
      }
    }
  } finally {
    await fetcher.close();
  }
  return {
    steps: totalSteps,
    epochLosses,
    finalLoss,
    resumedFrom: start > 0 ? start : null,
    checkpointPath: lastPath,
    collapseWarnings,
  };
}

function batchSizeOf(batch: unknown, fallback: number): number {
  if (batch instanceof tf.Tensor) return batch.shape[0] ?? fallback;
  if (Array.isArray(batch) && batch[0] instanceof tf.Tensor) return batch[0].shape[0] ?? fallback;
  return fallback;
}
