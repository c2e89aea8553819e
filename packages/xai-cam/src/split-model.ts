/**
 * Splitting a functional model at a named layer into a head (input → activations) and a tail
 * (activations → output), without hooks and without changing the model.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@tumorxai/core';
import { ancestors, runGraph, type Symbolic } from './internal/graph-executor.js';

const BLOCK_NAME = /^layer\d+\.\d+$/;
const LISTED = 16;

/** What {@link ModelSplit.head} computes. */
export interface HeadValues {
  /** The cut layer's output `[N, ...spatial, K]`. */
  activation: tf.Tensor;
  /** Values that bypass the cut (see {@link ModelSplit.crossing}), in that order. */
  crossing: tf.Tensor[];
}

/** A model cut at one layer: `model(x) = tail(head(x))`, sharing the model's weights. */
export interface ModelSplit {
  /** The layer the model is cut at. */
  readonly layerName: string;
  /** Shape of the cut layer's output, batch first (`null` for unknown sizes). */
  readonly activationShape: readonly (number | null)[];
  /**
   * Names of tensors computed before the cut that the tail also needs (a skip connection that
   * jumps over the cut). Empty for ResNet block outputs. They are fed to the tail as constants,
   * so a gradient with respect to the activation is the partial derivative along the paths
   * through the cut — what a PyTorch hook on that module computes.
   */
  readonly crossing: readonly string[];
  /** Input `[N, ...]` → the cut layer's output and the crossing values (inference mode). */
  head(input: tf.Tensor): HeadValues;
  /** The cut layer's output (and crossing values) → the model's output (inference mode). */
  tail(activation: tf.Tensor, crossing: readonly tf.Tensor[]): tf.Tensor;
  /** The whole model, `tail(head(x))`, in inference mode. */
  forward(input: tf.Tensor): tf.Tensor;
}

function describeLayers(reachable: Symbolic[], model: tfl.LayersModel): string {
  const spatial = new Set(
    reachable.filter((s) => s.shape.length >= 3).map((s) => s.sourceLayer.name),
  );
  const names = model.layers.map((l) => l.name).filter((n) => spatial.has(n));
  const blocks = names.filter((n) => BLOCK_NAME.test(n));
  const others = names.filter((n) => !BLOCK_NAME.test(n));
  const list = (items: string[]) =>
    items.length > LISTED
      ? `${items.slice(0, LISTED).join(', ')}, … (${items.length - LISTED} more)`
      : items.join(', ');
  if (blocks.length === 0) return `a layer with a spatial output (${list(others)})`;
  return `a block output (${blocks.join(', ')}) or another layer with a spatial output (${list(others)})`;
}

/**
 * Cuts `model` at the output of `layerName`. Works for any functional `tf.LayersModel` with one
 * input and one output: tensors that jump over the cut are computed by the head and passed to
 * the tail. Nothing is added to the model's layers; the split owns no tensors (it shares the
 * model's weights, so it must not outlive `model.dispose()`).
 *
 * @param fn Name used in error messages (e.g. `GradCam`).
 * @throws {ConfigError} when the model is not a one-input, one-output `tf.LayersModel`, when the
 *   layer does not exist (the message lists the valid block outputs and other spatial layers),
 *   when it does not lead to the output, when it is used more than once in the graph, or when its
 *   output has no spatial axes.
 * @example
 * ```ts
 * const split = splitModel(model, 'layer4.1');
 * const { activation, crossing } = split.head(images);
 * const logits = split.tail(activation, crossing);
 * ```
 */
export function splitModel(
  model: tfl.LayersModel,
  layerName: string,
  fn = 'splitModel',
): ModelSplit {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers) || !model.outputs) {
    throw new ConfigError({
      fn,
      problem: 'model must be a functional tf.LayersModel',
      got: typeof model,
      fix: 'Pass a model built with tf.model() or tf.sequential() (e.g. createResNet)',
    });
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ConfigError({
      fn,
      problem: `model "${model.name}" must have exactly one input and one output`,
      got: `${model.inputs.length} inputs, ${model.outputs.length} outputs`,
      fix: 'Wrap it in a tf.model() with one image input and one output (logits or embedding)',
    });
  }
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  const reachable = ancestors([output]);
  const candidates = reachable.filter((s) => s.sourceLayer.name === layerName);
  if (typeof layerName !== 'string' || !model.layers.some((l) => l.name === layerName)) {
    throw new ConfigError({
      fn,
      problem: `model "${model.name}" has no layer "${String(layerName)}"`,
      expected: describeLayers(reachable, model),
      got: layerName,
      fix: 'Pass one of these names as targetLayer (ResNet block outputs are named layer{i}.{j})',
    });
  }
  if (candidates.length === 0) {
    throw new ConfigError({
      fn,
      problem: `layer "${layerName}" does not lead to the output of model "${model.name}"`,
      expected: describeLayers(reachable, model),
      fix: 'Choose a layer whose output the prediction depends on',
    });
  }
  if (candidates.length > 1) {
    throw new ConfigError({
      fn,
      problem: `layer "${layerName}" has ${candidates.length} outputs in model "${model.name}" (shared or multi-output layer), so its activation is ambiguous`,
      fix: 'Choose a layer that is applied once and returns one tensor',
    });
  }
  const cut = candidates[0]!;
  if (cut.shape.length < 3) {
    throw new ConfigError({
      fn,
      problem: `layer "${layerName}" outputs shape [${cut.shape.join(', ')}], which has no spatial axes`,
      expected: describeLayers(reachable, model),
      fix: 'Choose a convolutional layer or block output [batch, ...spatial, channels]',
    });
  }

  const dependsOnCut = new Map<number, boolean>();
  const depends = (s: Symbolic): boolean => {
    const known = dependsOnCut.get(s.id);
    if (known !== undefined) return known;
    const result = s.id === cut.id || s.inputs.some(depends);
    dependsOnCut.set(s.id, result);
    return result;
  };
  const crossing = new Map<number, Symbolic>();
  const visited = new Set<number>();
  const stack: Symbolic[] = [output];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (visited.has(s.id) || s.id === cut.id) continue;
    visited.add(s.id);
    if (!depends(s)) crossing.set(s.id, s);
    else stack.push(...s.inputs);
  }
  const crossingList = [...crossing.values()];

  const head = (x: tf.Tensor): HeadValues => {
    const [activation, ...rest] = runGraph(new Map([[input.id, x]]), [cut, ...crossingList]);
    return { activation: activation!, crossing: rest };
  };
  const tail = (activation: tf.Tensor, values: readonly tf.Tensor[]): tf.Tensor => {
    const feeds = new Map<number, tf.Tensor>([[cut.id, activation]]);
    crossingList.forEach((s, i) => {
      feeds.set(s.id, values[i]!);
    });
    return runGraph(feeds, [output])[0]!;
  };
  return {
    layerName,
    activationShape: [...cut.shape],
    crossing: crossingList.map((s) => s.name),
    head,
    tail,
    forward: (x) => runGraph(new Map([[input.id, x]]), [output])[0]!,
  };
}
