import { ShapeError } from '@tumorxai/core';
import type { Labels } from './confusion.js';

/**
 * Top-k accuracy: the fraction of samples whose true class is among the `k` highest scores.
 *
 * Ties: the true class counts as a hit when fewer than `k` classes score strictly higher than it
 * (ties are resolved in the sample's favour; with continuous scores ties do not occur).
 *
 * @param scores One row of class scores (logits or probabilities) per sample.
 * @throws {ShapeError} for mismatched lengths, ragged rows or a `k` outside `[1, numClasses]`.
 * @example topKAccuracy([[0.1, 0.7, 0.2]], [2], 2) // 1
 */
export function topKAccuracy(
  scores: ReadonlyArray<ArrayLike<number>>,
  yTrue: Labels,
  k: number,
): number {
  const fn = 'topKAccuracy';
  if (scores.length !== yTrue.length || scores.length === 0) {
    throw new ShapeError({
      fn,
      problem: 'need one score row per label',
      expected: yTrue.length,
      got: scores.length,
    });
  }
  const numClasses = scores[0]!.length;
  if (!Number.isInteger(k) || k < 1 || k > numClasses) {
    throw new ShapeError({
      fn,
      problem: 'k must be an integer in [1, numClasses]',
      expected: `1..${numClasses}`,
      got: k,
    });
  }
  let hits = 0;
  for (let i = 0; i < scores.length; i++) {
    const row = scores[i]!;
    if (row.length !== numClasses) {
      throw new ShapeError({
        fn,
        problem: `score row ${i} has the wrong length`,
        expected: numClasses,
        got: row.length,
      });
    }
    const y = yTrue[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new ShapeError({
        fn,
        problem: `yTrue[${i}] is not a class id`,
        expected: `0..${numClasses - 1}`,
        got: y,
      });
    }
    const target = row[y]!;
    let higher = 0;
    for (let c = 0; c < numClasses; c++) if (row[c]! > target) higher++;
    if (higher < k) hits++;
  }
  return hits / scores.length;
}
