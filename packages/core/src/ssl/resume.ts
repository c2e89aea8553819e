/**
 * Restoring a method and the loop's state from a checkpoint, for `pretrain({ resume: true })`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import type { Rng } from '../rng.js';
import type { Checkpoint } from './checkpoint.js';
import type { SSLMethod } from './method.js';

/** Where the loop resumes. */
export interface ResumePoint {
  start: number;
  epochLosses: number[];
  epochLossSum: number;
  /** Loss of the last completed step (NaN before the first). */
  finalLoss: number;
}

/**
 * Checks that `checkpoint` belongs to this run (method, total steps, steps per epoch, batch
 * size), then restores the method's weights, the optimiser and the generator. Disposes the
 * checkpoint's tensors.
 *
 * @throws {ConfigError} naming the first mismatch.
 */
export function resumeFromCheckpoint<TBatch>(
  method: SSLMethod<TBatch>,
  checkpoint: Checkpoint,
  run: { totalSteps: number; stepsPerEpoch: number; batchSize: number; rng: Rng },
): ResumePoint {
  try {
    const expected = {
      method: method.name,
      batchSize: run.batchSize,
      stepsPerEpoch: run.stepsPerEpoch,
      totalSteps: run.totalSteps,
    };
    for (const [key, value] of Object.entries(expected)) {
      const got = checkpoint[key as keyof typeof expected];
      if (got !== value) {
        throw new ConfigError({
          fn: 'pretrain',
          problem: `the checkpoint was written by another run (${key} differs)`,
          expected: value,
          got,
          fix: 'Resume with the options of the interrupted run, or use another checkpointDir',
        });
      }
    }
    method.setWeights(checkpoint.weights);
    method.optimizer.setState({ ...checkpoint.optimizer, slots: checkpoint.optimizerSlots });
    run.rng.setState(checkpoint.rngState);
    const extra = checkpoint.extra as {
      epochLosses?: number[];
      epochLossSum?: number;
      finalLoss?: number | null;
    };
    return {
      start: checkpoint.step,
      epochLosses: extra.epochLosses ?? [],
      epochLossSum: extra.epochLossSum ?? 0,
      finalLoss: extra.finalLoss ?? Number.NaN,
    };
  } finally {
    tf.dispose([checkpoint.weights, checkpoint.optimizerSlots]);
  }
}
