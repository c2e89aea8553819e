/**
 * Target scores of a model on a batch, shared by the faithfulness metrics.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@tumorxai/core';
import { argmaxTargets, resolveTargets, scoreTargets } from '../internal/resolve-targets.js';
import type { CamTarget, TargetSpec } from '../targets.js';

/** Options shared by every metric. */
export interface MetricOptions {
  /**
   * What the score is: one target per image or one for all (numbers are class logits). Default:
   * the argmax class of each unperturbed image. Use the targets the maps were computed for.
   */
  targets?: readonly TargetSpec[];
}

/** `model(x)` in inference mode (BatchNorm uses moving statistics). */
export function predict(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
}

/** Checks `cams` `[N, ...spatial]` against `images` `[N, ...spatial, C]`. */
export function checkCams(fn: string, images: tf.Tensor, cams: tf.Tensor): void {
  const expected = images.shape.slice(0, -1);
  if (cams.rank !== expected.length || cams.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError({
      fn,
      problem: 'cams must have one map per image, of the image size',
      expected: `[${expected.join(', ')}]`,
      got: cams.shape,
    });
  }
}

/** One target per image: the given ones, or the argmax of `model(images)`. */
export function metricTargets(
  fn: string,
  model: tfl.LayersModel,
  images: tf.Tensor,
  options: MetricOptions,
): CamTarget[] {
  const given = resolveTargets(fn, options.targets, images.shape[0]!);
  if (given) return given;
  const outputs = predict(model, images);
  try {
    return argmaxTargets(fn, outputs);
  } finally {
    outputs.dispose();
  }
}

/** Scores `[N]` of `targets` on `model(x)`, as float32 numbers. */
export function targetScores(
  fn: string,
  model: tfl.LayersModel,
  x: tf.Tensor,
  targets: readonly CamTarget[],
): Float32Array {
  return tf
    .tidy(() => scoreTargets(fn, targets, predict(model, x)).dataSync() as Float32Array)
    .slice();
}

/** `after − before` in float32. */
export function differences(after: Float32Array, before: Float32Array): Float32Array {
  return after.map((a, i) => Math.fround(a - before[i]!));
}
