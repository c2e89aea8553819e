/**
 * Input checks of the embedding losses (BYOL, MoCo v3): non-empty `[N, D]` tensors of one shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/** Throws unless every tensor is a non-empty `[N, D]` of one shape. */
export function checkEmbeddings(fn: string, named: Record<string, unknown>): void {
  let first: [string, tf.Tensor] | null = null;
  for (const [name, t] of Object.entries(named)) {
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[0] === 0 || t.shape[1] === 0) {
      throw new ShapeError({
        fn,
        problem: `${name} must be a non-empty 2-D tensor [N, D]`,
        got: t instanceof tf.Tensor ? `shape ${JSON.stringify(t.shape)}` : typeof t,
      });
    }
    if (first === null) {
      first = [name, t];
    } else if (t.shape[0] !== first[1].shape[0] || t.shape[1] !== first[1].shape[1]) {
      throw new ShapeError({
        fn,
        problem: `${name} and ${first[0]} must have the same shape (row i of each belongs to image i)`,
        expected: `${name} of shape ${JSON.stringify(first[1].shape)}`,
        got: JSON.stringify(t.shape),
      });
    }
  }
}
