/**
 * Checks and defaults shared by the two-view momentum methods (BYOL, MoCo v3): backbone and head
 * shapes, the two views, momentum and clipping options, and the learning rate of a step.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError } from '../errors.js';
import { warmupCosineLr } from '../schedules.js';
import type { TrainStepContext } from './method.js';

/** Learning rate as a constant or a function of the step, the horizon and the images per step. */
export type MethodLearningRate =
  | number
  | ((step: number, totalSteps: number, batchSize: number) => number);

/** The feature size d of a backbone that outputs `[N, d]`. */
export function backboneDim(fn: string, backbone: tfl.LayersModel): number {
  const shape = backbone?.outputs?.[0]?.shape;
  if (shape?.length !== 2 || typeof shape[1] !== 'number') {
    throw new ShapeError({
      fn,
      problem: 'the backbone must output features [N, d]',
      got: shape ? `output shape ${JSON.stringify(shape)}` : 'no model',
      fix: 'End the backbone in global average pooling, e.g. createResNet({ depth: 50, includeTop: false })',
    });
  }
  return shape[1];
}

/** Checks that features `[N, dim]` → projector → predictor chain, and that q keeps g's size. */
export function checkHeads(
  fn: string,
  dim: number,
  projector: tfl.LayersModel,
  predictor: tfl.LayersModel,
): void {
  const projIn = projector.inputs[0]?.shape;
  const projOut = projector.outputs[0]?.shape;
  const predIn = predictor.inputs[0]?.shape;
  const predOut = predictor.outputs[0]?.shape;
  if (projIn?.[1] !== dim) {
    throw new ShapeError({
      fn,
      problem: 'the projection head does not take the backbone features',
      expected: `input [N, ${dim}]`,
      got: JSON.stringify(projIn),
    });
  }
  if (projOut?.length !== 2 || predIn?.[1] !== projOut[1] || predOut?.[1] !== projOut[1]) {
    throw new ShapeError({
      fn,
      problem:
        'the prediction head must map projections to vectors of the same size (the loss compares them)',
      expected: `[N, ${projOut?.[1]}] → [N, ${projOut?.[1]}]`,
      got: `${JSON.stringify(predIn)} → ${JSON.stringify(predOut)}`,
    });
  }
}

/** Exactly two views of one batch size. */
export function checkTwoViews(
  fn: string,
  views: readonly tf.Tensor4D[],
): [tf.Tensor4D, tf.Tensor4D] {
  if (views.length !== 2 || views[0]!.shape[0] !== views[1]!.shape[0]) {
    throw new ShapeError({
      fn,
      problem: 'the method needs exactly two views of the same batch size',
      got: views.map((v) => JSON.stringify(v.shape)).join(' and '),
    });
  }
  return [views[0]!, views[1]!];
}

/**
 * The learning rate of a step: the context's when it gives one, else the method's setting
 * (a constant or a function of step, horizon and batch size), else the default schedule —
 * `baseLr·B/256` (linear scaling), linear warm-up from 0 over 10 epochs but at most 10 % of the
 * run, then half-cosine to 0 (spec §2e, §4e).
 *
 * @example
 * ```ts
 * const lr = methodLearningRate(options.learningRate, context, batchSize, 0.2); // BYOL's base 0.2
 * ```
 */
export function methodLearningRate(
  setting: MethodLearningRate | undefined,
  context: TrainStepContext,
  batchSize: number,
  baseLr: number,
): number {
  if (context.learningRate !== undefined) return context.learningRate;
  if (typeof setting === 'number') return setting;
  if (setting !== undefined) return setting(context.step, context.totalSteps, batchSize);
  const total = Math.max(context.totalSteps, 1);
  const perEpoch = context.stepsPerEpoch ?? total;
  return warmupCosineLr({
    baseLr: (baseLr * batchSize) / 256,
    warmupSteps: Math.min(10 * perEpoch, Math.floor(total / 10)),
    totalSteps: total,
  })(context.step);
}

/** Checks a base momentum in [0, 1] and an optional positive gradient-clipping norm. */
export function checkMomentumAndClip(
  fn: string,
  baseMomentum: number,
  clipGradNorm: number | undefined,
): void {
  if (!(baseMomentum >= 0 && baseMomentum <= 1)) {
    throw new ConfigError({ fn, problem: 'baseMomentum must be in [0, 1]', got: baseMomentum });
  }
  if (clipGradNorm !== undefined && !(clipGradNorm > 0)) {
    throw new ConfigError({ fn, problem: 'clipGradNorm must be positive', got: clipGradNorm });
  }
}
