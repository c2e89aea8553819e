import { ShapeError } from '../errors.js';

/** Tolerances of {@link assertAllClose}: passes when `|a − e| ≤ atol + rtol·|e|` everywhere. */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  /** Name used in the error message. */
  name?: string;
}

/** Result of {@link compareArrays}. */
export interface Comparison {
  /** Largest `|a − e|`. */
  maxAbs: number;
  /** Index of the largest violation of `atol + rtol·|e|` (or of `maxAbs` when none). */
  worstIndex: number;
  /** Number of elements outside the tolerance. */
  failures: number;
}

/** Elementwise comparison of two equally long numeric arrays (NaN equals NaN). */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
): Comparison {
  const atol = options.atol ?? 1e-6;
  const rtol = options.rtol ?? 0;
  if (actual.length !== expected.length) {
    throw new ShapeError({
      fn: 'compareArrays',
      problem: `${options.name ?? 'arrays'} differ in length`,
      expected: expected.length,
      got: actual.length,
    });
  }
  let maxAbs = 0;
  let worstIndex = 0;
  let worstExcess = Number.NEGATIVE_INFINITY;
  let failures = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const diff = Math.abs(a - e);
    const excess = Number.isNaN(diff)
      ? Number.POSITIVE_INFINITY
      : diff - (atol + rtol * Math.abs(e));
    if (diff > maxAbs || Number.isNaN(diff))
      maxAbs = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    if (excess > 0) failures++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
  }
  return { maxAbs, worstIndex, failures };
}

/**
 * Throws unless `|actual − expected| ≤ atol + rtol·|expected|` elementwise; the message gives the
 * worst element and the number of failures.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CloseOptions = {},
): Comparison {
  const result = compareArrays(actual, expected, options);
  if (result.failures > 0) {
    const i = result.worstIndex;
    throw new Error(
      `assertAllClose: ${options.name ?? 'values'} differ at ${result.failures} of ${actual.length} elements ` +
        `(atol ${options.atol ?? 1e-6}, rtol ${options.rtol ?? 0}); worst at index ${i}: got ${actual[i]}, ` +
        `expected ${expected[i]}; max |diff| ${result.maxAbs}`,
    );
  }
  return result;
}
