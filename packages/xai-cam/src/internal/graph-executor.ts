/**
 * A small interpreter for the graph of a functional `tf.LayersModel`: evaluates chosen symbolic
 * tensors from chosen fed values, in inference mode. It only reads the graph, so the caller's
 * model is never changed (no hooks, no new nodes on its layers).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A symbolic tensor of the functional API. */
export type Symbolic = tfl.SymbolicTensor;

/** Every symbolic tensor the `fetches` depend on (including themselves), in no particular order. */
export function ancestors(fetches: readonly Symbolic[], stopAt?: ReadonlySet<number>): Symbolic[] {
  const seen = new Map<number, Symbolic>();
  const stack = [...fetches];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s.id)) continue;
    seen.set(s.id, s);
    if (stopAt?.has(s.id)) continue;
    for (const input of s.inputs) stack.push(input);
  }
  return [...seen.values()];
}

/**
 * Computes `fetches` from `feeds` (symbolic tensor id → value). Layers run through their public
 * `apply` on concrete tensors with `training: false` (BatchNorm uses its moving statistics,
 * dropout is off). Tensors created here belong to the caller (wrap the call in `tf.tidy`).
 *
 * @throws {Error} (internal) when a fetch depends on a model input that was not fed.
 */
export function runGraph(
  feeds: ReadonlyMap<number, tf.Tensor>,
  fetches: readonly Symbolic[],
): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>(feeds);
  const nodeOutputs = new Map<string, tf.Tensor[]>();
  const evaluate = (s: Symbolic): tf.Tensor => {
    const known = values.get(s.id);
    if (known) return known;
    if (s.inputs.length === 0) {
      throw new Error(`runGraph: no value fed for the model input "${s.name}"`);
    }
    const layer = s.sourceLayer;
    const key = `${layer.name}#${s.nodeIndex}`;
    let outputs = nodeOutputs.get(key);
    if (!outputs) {
      const inputs = s.inputs.map(evaluate);
      const result = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, {
        ...s.callArgs,
        training: false,
      }) as tf.Tensor | tf.Tensor[];
      outputs = Array.isArray(result) ? result : [result];
      nodeOutputs.set(key, outputs);
    }
    const value = outputs[s.tensorIndex ?? 0]!;
    values.set(s.id, value);
    return value;
  };
  return fetches.map(evaluate);
}
