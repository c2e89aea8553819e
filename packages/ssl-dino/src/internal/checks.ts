/**
 * Argument checks shared by the DINO functions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';

/** Throws unless `value` is a positive finite number. */
export function checkPositive(fn: string, name: string, value: unknown, fix?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError({
      fn,
      problem: `${name} must be a positive finite number`,
      got: value,
      fix,
    });
  }
  return value;
}

/** Throws unless `value` is a number in [0, 1]. */
export function checkUnitInterval(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ConfigError({ fn, problem: `${name} must be in [0, 1]`, got: value });
  }
  return value;
}

/**
 * Checks a list of view outputs, each `[B, K]` with the same shape as `like` (when given), and
 * returns `[B, K]`.
 */
export function checkViewList(
  fn: string,
  name: string,
  views: unknown,
  like?: readonly number[],
): [number, number] {
  if (!Array.isArray(views) || views.length === 0) {
    throw new ShapeError({
      fn,
      problem: `${name} must be a non-empty array of 2-D tensors [B, K], one per view`,
      got: Array.isArray(views) ? 'an empty array' : typeof views,
      fix: 'Split the stacked outputs per view, e.g. tf.split(out, numViews, 0)',
    });
  }
  const first = like ?? (views[0] instanceof tf.Tensor ? views[0].shape : undefined);
  views.forEach((v: unknown, i) => {
    const ok =
      v instanceof tf.Tensor &&
      v.rank === 2 &&
      v.shape[0]! > 0 &&
      v.shape[1]! > 0 &&
      first !== undefined &&
      v.shape[0] === first[0] &&
      v.shape[1] === first[1];
    if (!ok) {
      throw new ShapeError({
        fn,
        problem: `${name}[${i}] must be a non-empty [B, K] tensor of the same shape as every view`,
        expected: first ? JSON.stringify(first) : '[B, K]',
        got: v instanceof tf.Tensor ? JSON.stringify(v.shape) : typeof v,
      });
    }
  });
  return [first![0]!, first![1]!];
}

/** Throws unless `center` is a `[K]` tensor. */
export function checkCenter(fn: string, center: unknown, k: number): void {
  if (!(center instanceof tf.Tensor) || center.rank !== 1 || center.shape[0] !== k) {
    throw new ShapeError({
      fn,
      problem: 'center must be a 1-D tensor with one entry per output dimension',
      expected: `[${k}]`,
      got: center instanceof tf.Tensor ? JSON.stringify(center.shape) : typeof center,
      fix: 'Start from tf.zeros([K]) or use a DinoCenter; reshape a [1, K] center with tf.reshape(center, [K])',
    });
  }
}
