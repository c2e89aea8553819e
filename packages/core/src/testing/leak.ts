import * as tf from '@tensorflow/tfjs-core';
import { TensorLeakError } from '../errors.js';

/** Options of {@link expectNoTensorLeak}. */
export interface NoLeakOptions {
  /**
   * Calls made before the baseline is taken (default 1), so that lazily created state (optimiser
   * slots, caches, compiled kernels) is not counted as a leak.
   */
  burnIn?: number;
  /** Calls measured after the baseline (default 3). */
  runs?: number;
  /** Tensors each measured call may legitimately keep (default 0). */
  allowed?: number;
}

/**
 * Runs `fn` `burnIn` times, records `tf.memory().numTensors`, runs it `runs` more times and
 * throws if the count grew by more than `allowed × runs`. Tensors returned by `fn` are disposed
 * after each call (a returned tensor is the caller's, not a leak).
 *
 * @throws {TensorLeakError} (`code: 'E_LEAK'`) with the per-call growth.
 * @example
 * ```ts
 * await expectNoTensorLeak(() => ntXentLoss(z1, z2), { burnIn: 1, runs: 5 });
 * ```
 */
export async function expectNoTensorLeak(
  fn: () => unknown | Promise<unknown>,
  options: NoLeakOptions = {},
): Promise<{ before: number; after: number }> {
  const burnIn = options.burnIn ?? 1;
  const runs = options.runs ?? 3;
  const allowed = options.allowed ?? 0;
  const call = async () => {
    const result = await fn();
    tf.dispose(result as tf.TensorContainer);
  };
  for (let i = 0; i < burnIn; i++) await call();
  const before = tf.memory().numTensors;
  for (let i = 0; i < runs; i++) await call();
  const after = tf.memory().numTensors;
  if (after - before > allowed * runs) {
    throw new TensorLeakError({
      fn: 'expectNoTensorLeak',
      problem: `${after - before} tensors leaked over ${runs} calls (${before} → ${after})`,
      expected: `at most ${allowed * runs}`,
      got: after - before,
      fix: 'Wrap the computation in tf.tidy or dispose intermediate tensors',
    });
  }
  return { before, after };
}
