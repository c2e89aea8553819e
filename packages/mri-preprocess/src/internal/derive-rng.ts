import { createRng, type Rng } from '@tumorxai/core';

/**
 * A generator that is a pure function of `seed` and `labels` (a fresh `createRng(seed)` forked
 * by the joined labels), so e.g. the batch at (epoch, step) never depends on earlier calls.
 */
export function deriveRng(seed: number, ...labels: Array<string | number>): Rng {
  return createRng(seed).fork(labels.join('/'));
}
