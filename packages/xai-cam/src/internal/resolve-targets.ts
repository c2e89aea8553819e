/**
 * Turning `explain`'s `targets` option into one target per image, and scoring them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { type CamTarget, classTarget, type TargetSpec } from '../targets.js';

/**
 * One target per image. `undefined` stays `undefined` (the caller then uses the argmax). A list
 * of length 1 is broadcast to every image; any other length than 1 or `batch` throws.
 *
 * Porting note: pytorch-grad-cam `zip`s targets with outputs, so one target for a batch of B
 * images silently gives all-zero maps for images 1..B−1 (spec §1.2). Here one target explains
 * every image, and a wrong length is an error.
 */
export function resolveTargets(
  fn: string,
  targets: readonly TargetSpec[] | undefined,
  batch: number,
): CamTarget[] | undefined {
  if (targets === undefined) return undefined;
  if (!Array.isArray(targets) || (targets.length !== 1 && targets.length !== batch)) {
    throw new ShapeError({
      fn,
      problem: 'targets must have one entry per image, or one entry for every image',
      expected: batch === 1 ? 'length 1' : `length 1 or ${batch} (the batch size)`,
      got: Array.isArray(targets) ? `length ${targets.length}` : typeof targets,
      fix: 'Pass [classTarget(c)] to explain every image for class c, or one target per image',
    });
  }
  const resolved = targets.map((t, i) => {
    if (typeof t === 'number') return classTarget(t);
    if (typeof t === 'function') return t;
    throw new ConfigError({
      fn,
      problem: `targets[${i}] is neither a class index nor a target function`,
      got: typeof t,
      fix: 'Pass numbers or targets such as classTarget(3), softmaxTarget(3)',
    });
  });
  return resolved.length === batch ? resolved : new Array<CamTarget>(batch).fill(resolved[0]!);
}

/** `classTarget(argmax)` per image (first index on ties, like `np.argmax`). */
export function argmaxTargets(fn: string, outputs: tf.Tensor): CamTarget[] {
  if (outputs.rank !== 2) {
    throw new ConfigError({
      fn,
      problem:
        'without targets the argmax class is explained, which needs outputs [batch, classes]',
      got: outputs.shape,
      fix: 'Pass targets, e.g. [embeddingSimilarityTarget(reference)] for an embedding model',
    });
  }
  const classes = tf.tidy(() => tf.argMax(outputs, -1).dataSync());
  return Array.from(classes, (c) => classTarget(c));
}

/** Scores `[N]`: `targets[b]` applied to `outputs[b]`; one call when all images share a target. */
export function scoreTargets(
  fn: string,
  targets: readonly CamTarget[],
  outputs: tf.Tensor,
): tf.Tensor {
  const n = outputs.shape[0]!;
  const apply = (target: CamTarget, rows: tf.Tensor): tf.Tensor => {
    const scores = target(rows);
    const m = rows.shape[0]!;
    if (!(scores instanceof tf.Tensor) || scores.size !== m) {
      throw new ShapeError({
        fn,
        problem: 'a target must return one score per output row',
        expected: `a tensor [${m}]`,
        got: scores instanceof tf.Tensor ? scores.shape : typeof scores,
      });
    }
    return tf.reshape(scores, [m]);
  };
  if (targets.every((t) => t === targets[0])) return apply(targets[0]!, outputs);
  const parts = targets.map((t, b) => apply(t, tf.slice(outputs, b, 1)));
  return n === 1 ? parts[0]! : tf.concat(parts, 0);
}
