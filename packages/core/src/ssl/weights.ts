/**
 * Named snapshots of the weights of several networks, for checkpoints and `SSLMethod.getWeights`.
 *
 * Keys are `<network>/<index>` where index is the position of the weight in creation order
 * (trainable and non-trainable, e.g. BN moving statistics) — see {@link weightsInCreationOrder}.
 * Positions rather than variable names: tfjs uniquifies variable names per process
 * (`conv1/kernel_1`), and auto-named layers (`dense_Dense3`) are numbered per process, so names
 * are not stable across rebuilds; creation order is.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors.js';

/**
 * The weights of `model` in the order they were created (by `LayerVariable.id`). Unlike
 * `model.weights`, whose order puts trainable weights first and therefore changes when a layer is
 * frozen, this order depends only on the architecture.
 */
export function weightsInCreationOrder(model: tfl.LayersModel): tfl.LayerVariable[] {
  return [...model.weights].sort((a, b) => a.id - b.id);
}

/**
 * Copies every weight of `networks` into new tensors keyed `<network>/<index>`.
 *
 * @returns New tensors owned by the caller.
 * @example
 * ```ts
 * const w = collectWeights({ backbone, projectionHead }); // { 'backbone/0': …, … }
 * ```
 */
export function collectWeights(
  networks: Record<string, tfl.LayersModel>,
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, model] of Object.entries(networks)) {
    weightsInCreationOrder(model).forEach((w, i) => {
      out[`${name}/${i}`] = tfc.clone(w.read());
    });
  }
  return out;
}

/**
 * Assigns the weights produced by {@link collectWeights} back to the same networks, exactly
 * (`variable.assign`, no constraint applied). Every weight of every network must be present with
 * its shape; keys of other networks are ignored. Inputs are not disposed.
 *
 * @param fn Name of the public caller, for error messages.
 * @throws {ShapeError} naming the first missing key or shape mismatch.
 */
export function assignWeights(
  networks: Record<string, tfl.LayersModel>,
  weights: Record<string, tf.Tensor>,
  fn = 'assignWeights',
): void {
  // Validate everything before writing anything.
  for (const [name, model] of Object.entries(networks)) {
    weightsInCreationOrder(model).forEach((w, i) => {
      const key = `${name}/${i}`;
      const t = weights[key];
      if (!t) {
        throw new ShapeError({
          fn,
          problem: `weight "${key}" (${w.originalName}) is missing`,
          fix: 'Pass the weights of a method built with the same architecture',
        });
      }
      if (t.shape.join() !== w.shape.join() || t.dtype !== w.dtype) {
        throw new ShapeError({
          fn,
          problem: `weight "${key}" (${w.originalName}) does not match the network`,
          expected: `${w.dtype} ${JSON.stringify(w.shape)}`,
          got: `${t.dtype} ${JSON.stringify(t.shape)}`,
          fix: 'Build the method with the architecture the weights were saved from',
        });
      }
    });
    const extra = Object.keys(weights).filter(
      (k) => k.startsWith(`${name}/`) && Number(k.slice(name.length + 1)) >= model.weights.length,
    );
    if (extra.length > 0) {
      throw new ShapeError({
        fn,
        problem: `the weights hold more entries for "${name}" than the network has`,
        expected: model.weights.length,
        got: `extra keys ${extra.slice(0, 3).join(', ')}`,
      });
    }
  }
  for (const [name, model] of Object.entries(networks)) {
    weightsInCreationOrder(model).forEach((w, i) => {
      (w.read() as tf.Variable).assign(weights[`${name}/${i}`]!);
    });
  }
}
