import { ShapeError } from '@tumorxai/core';

/** Labels as plain integer arrays (class ids `0..numClasses-1`). */
export type Labels = ArrayLike<number>;

/** Checks that two label arrays have the same length and valid class ids. */
export function checkLabels(fn: string, yTrue: Labels, yPred: Labels, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ShapeError({ fn, problem: 'numClasses must be a positive integer', got: numClasses });
  }
  if (yTrue.length !== yPred.length) {
    throw new ShapeError({
      fn,
      problem: 'yTrue and yPred must have the same length',
      expected: yTrue.length,
      got: yPred.length,
    });
  }
  if (yTrue.length === 0) {
    throw new ShapeError({ fn, problem: 'no labels given', fix: 'Pass at least one prediction' });
  }
  for (const [name, ys] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
        throw new ShapeError({
          fn,
          problem: `${name}[${i}] is not a class id`,
          expected: `an integer in [0, ${numClasses - 1}]`,
          got: y,
        });
      }
    }
  }
}

/**
 * Confusion matrix `C[t][p]` = number of samples of true class `t` predicted as `p` (rows are
 * true classes, columns predictions — scikit-learn's convention).
 *
 * @throws {ShapeError} for arrays of different lengths or labels outside `[0, numClasses)`.
 * @example confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, numClasses: number): number[][] {
  checkLabels('confusionMatrix', yTrue, yPred, numClasses);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]!]![yPred[i]!]!++;
  return matrix;
}
