/**
 * One optimisation step: gradients of a loss closure with respect to an explicit variable list,
 * optional clipping and gradient surgery, then the optimiser update — the inside of every
 * `trainStep`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { leanVariableGrads } from '../wasm/lean-variable-grads.js';
import { clipGradNorm, clipGradNormPerParameter } from './clip.js';
import type { Optimizer, OptimizerStepOptions } from './optimizer.js';

/** Options of {@link minimize}. */
export interface MinimizeOptions extends OptimizerStepOptions {
  /** Clip gradients to this norm (default: no clipping). */
  clipGradNorm?: number;
  /** `'global'` (default, PyTorch `clip_grad_norm_`) or `'per-parameter'` (DINO). */
  clipMode?: 'global' | 'per-parameter';
  /**
   * Last chance to edit the gradients before the update (after clipping), e.g. DINO's frozen last
   * layer returns `null` for those parameters. Runs inside a tidy; return new tensors or the ones
   * received.
   */
  transformGradients?: (
    grads: (tf.Tensor | null)[],
    params: readonly tf.Variable[],
  ) => (tf.Tensor | null)[];
  /**
   * How gradients are computed: `'auto'` (default) uses {@link leanVariableGrads} on the `wasm`
   * backend (it frees each saved activation once the backward pass has used it and runs the fused
   * wasm gradient rules: about half the heap of a ResNet-50 step, and what lets 224 px batch 8
   * fit in the 4 GB wasm heap) and `tf.variableGrads` elsewhere; `'tape'` always
   * `tf.variableGrads`; `'lean'` always `leanVariableGrads`. Both give the same values up to
   * float rounding.
   */
  gradients?: 'auto' | 'tape' | 'lean';
}

function gradientsOf(
  lossFn: () => tf.Scalar,
  params: tf.Variable[],
  mode: MinimizeOptions['gradients'] = 'auto',
) {
  if (mode !== 'auto' && mode !== 'tape' && mode !== 'lean') {
    throw new ConfigError({
      fn: 'minimize',
      problem: 'unknown gradients mode',
      expected: "'auto' | 'tape' | 'lean'",
      got: mode,
    });
  }
  const lean = mode === 'lean' || (mode === 'auto' && tf.getBackend() === 'wasm');
  return lean ? leanVariableGrads(lossFn, params) : tf.variableGrads(lossFn, params);
}

/**
 * Computes `lossFn()` and its gradients with respect to `params` (`tf.variableGrads`, or
 * {@link leanVariableGrads} on wasm: see {@link MinimizeOptions.gradients}), clips
 * them, and applies them with `optimizer`. Parameters the loss does not depend on get a `null`
 * gradient and are skipped by the optimiser. Everything but the returned loss is disposed.
 *
 * Tensors that `lossFn` wants to keep (embeddings for the collapse monitor, say) must be passed
 * through `tf.keep` inside it: the forward pass runs in a tidy.
 *
 * @param params Trainable variables, the same list at every step (optimiser slots are keyed by
 *   position). Momentum / teacher copies must not be in it.
 * @returns The loss, owned by the caller.
 * @throws {ConfigError} when `params` is empty or `gradients` is unknown; on wasm also when no
 *   parameter is trainable or the loss depends on none of them (`tf.variableGrads` throws its own
 *   error there on other backends).
 * @example
 * ```ts
 * const vars = [...backbone.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable);
 * const loss = minimize(optimizer, vars, () => lossOf(batch), { learningRate: 0.1 });
 * ```
 */
export function minimize(
  optimizer: Optimizer,
  params: readonly tf.Variable[],
  lossFn: () => tf.Scalar,
  options: MinimizeOptions,
): tf.Scalar {
  if (params.length === 0) {
    throw new ConfigError({
      fn: 'minimize',
      problem: 'no trainable parameters were given',
      fix: 'Pass the trainable variables of the online networks',
    });
  }
  const { value, grads } = gradientsOf(lossFn, params as tf.Variable[], options.gradients);
  try {
    tf.tidy(() => {
      let list: (tf.Tensor | null)[] = params.map((p) => grads[p.name] ?? null);
      if (options.clipGradNorm !== undefined) {
        list =
          options.clipMode === 'per-parameter'
            ? clipGradNormPerParameter(list, options.clipGradNorm)
            : clipGradNorm(list, options.clipGradNorm).grads;
      }
      if (options.transformGradients) list = options.transformGradients(list, params);
      optimizer.applyGradients(params, list, options);
    });
  } catch (error) {
    value.dispose();
    throw error;
  } finally {
    tf.dispose(grads);
  }
  return value;
}

/**
 * {@link minimize} inside a tidy, with the loss read back as a number and freed: the usual
 * inside of a `trainStep`. Tensors `lossFn` keeps with `tf.keep` survive, as with `minimize`.
 *
 * @returns The loss value.
 * @example
 * ```ts
 * const loss = minimizeAndReadLoss(optimizer, trainableVariables(backbone, head), () => lossOf(batch), { learningRate: 0.1 });
 * ```
 */
export function minimizeAndReadLoss(
  optimizer: Optimizer,
  params: readonly tf.Variable[],
  lossFn: () => tf.Scalar,
  options: MinimizeOptions,
): number {
  const loss = tf.tidy(() => minimize(optimizer, params, lossFn, options));
  try {
    return loss.dataSync()[0]!;
  } finally {
    loss.dispose();
  }
}

/**
 * The trainable variables of `models`, in order (the `params` of {@link minimize}).
 *
 * @example
 * ```ts
 * const params = trainableVariables(backbone, projectionHead); // the same list at every step
 * ```
 */
export function trainableVariables(
  ...models: ReadonlyArray<{ trainableWeights: Array<{ read(): tf.Tensor }> }>
): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}
