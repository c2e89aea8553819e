/**
 * Kill-and-resume for the tests of SSL methods: an uninterrupted `pretrain` run against one that
 * is aborted mid-run and resumed from its checkpoint by a freshly built method.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchSource } from '../ssl/batch-source.js';
import type { SSLMethod } from '../ssl/method.js';
import { pretrain } from '../ssl/pretrain.js';
import type { PretrainOptions } from '../ssl/pretrain-options.js';

/**
 * Every tensor a checkpoint holds — the method's `getWeights()` and its optimiser's slots (keys
 * `opt:<name>`) — as plain arrays, for exact comparison. Disposes what it reads.
 */
export function methodStateArrays(method: SSLMethod): Record<string, number[]> {
  const weights = method.getWeights();
  const { slots } = method.optimizer.getState();
  const out = Object.fromEntries(
    [
      ...Object.entries(weights),
      ...Object.entries(slots).map(([k, t]) => [`opt:${k}`, t] as const),
    ].map(([k, t]) => [k, Array.from(t.dataSync())]),
  );
  tf.dispose([weights, slots]);
  return out;
}

/** What {@link abortAndResume} runs. */
export interface AbortAndResumeOptions {
  /**
   * Builds the method on a backbone initialised with `initSeed` (everything else fixed) and says
   * how to free both.
   */
  create(initSeed: number): { method: SSLMethod; dispose(): void };
  /** A new batch source for each run, seeded the same every time. */
  batches(): BatchSource;
  /** `epochs`, `batchSize`, `seed` of all three runs (no checkpoint options). */
  options: Pick<PretrainOptions, 'epochs' | 'batchSize' | 'seed'>;
  /** Where the aborted run writes its checkpoint. */
  checkpointDir: string;
  /** The step whose progress report aborts the run. */
  abortAtStep: number;
  /** Backbone seeds of the uninterrupted and aborted runs, and of the resuming "new process". */
  seeds: { run: number; resume: number };
}

/** What {@link abortAndResume} observed; the test asserts on it. */
export interface AbortAndResumeOutcome {
  /** State of the uninterrupted run at its end ({@link methodStateArrays}). */
  expected: Record<string, number[]>;
  /** State of the aborted-then-resumed run at its end. */
  actual: Record<string, number[]>;
  /** What the aborted run rejected with (`undefined` if it did not reject). */
  abortError: unknown;
  /** `resumedFrom` of the resumed run. */
  resumedFrom: number | null;
}

/**
 * Runs `pretrain` three times: uninterrupted; again with checkpoints, aborted through an
 * `AbortSignal` at `abortAtStep`; and on a method built with another backbone seed (a fresh
 * process) with `resume: true`. Frees every method it builds.
 *
 * @example
 * ```ts
 * const run = await abortAndResume({ create, batches, options, checkpointDir, abortAtStep: 3,
 *   seeds: { run: 2, resume: 9 } });
 * expect(run.abortError).toBeInstanceOf(AbortError);
 * expect(run.actual).toEqual(run.expected);
 * ```
 */
export async function abortAndResume(o: AbortAndResumeOptions): Promise<AbortAndResumeOutcome> {
  const reference = o.create(o.seeds.run);
  await pretrain(reference.method, o.batches(), o.options);
  const expected = methodStateArrays(reference.method);
  reference.dispose();

  const aborted = o.create(o.seeds.run);
  const controller = new AbortController();
  let abortError: unknown;
  try {
    await pretrain(aborted.method, o.batches(), {
      ...o.options,
      checkpointDir: o.checkpointDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === o.abortAtStep) controller.abort();
      },
    });
  } catch (error) {
    abortError = error;
  } finally {
    aborted.dispose();
  }

  const resumed = o.create(o.seeds.resume);
  try {
    const result = await pretrain(resumed.method, o.batches(), {
      ...o.options,
      checkpointDir: o.checkpointDir,
      resume: true,
    });
    return {
      expected,
      actual: methodStateArrays(resumed.method),
      abortError,
      resumedFrom: result.resumedFrom,
    };
  } finally {
    resumed.dispose();
  }
}
