/**
 * `tf.variableGrads` with a backward pass that frees memory as it goes and, on wasm, runs fused
 * gradient rules.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors.js';
import { type Contribution, planRules, type RuleMatch } from './grad-rules.js';
import { type PathNode, pathFromTape, releaseSaved, type TapeNode, type TapePath } from './tape.js';

/** The engine state fields this module reads (public fields of tfjs-core's `EngineState`). */
interface TapeState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}

/** Result of {@link leanVariableGrads}, as for `tf.variableGrads`. */
export interface LeanGrads {
  /** The loss (owned by the caller). */
  value: tf.Scalar;
  /** Gradient per variable name, for the variables the loss depends on (owned by the caller). */
  grads: tf.NamedTensorMap;
}

function fail(problem: string, expected: string, got: unknown, fix: string): never {
  throw new ConfigError({ fn: 'leanVariableGrads', problem, expected, got, fix });
}

/** Input gradients of one node: a rule's, or tfjs-core's registered gradient. */
function nodeGradients(
  p: PathNode,
  dys: Array<tf.Tensor | null>,
  rule?: RuleMatch,
): Contribution[] {
  if (rule) return rule.backward(dys);
  const { node } = p;
  if (!node.gradient) {
    throw new Error(`leanVariableGrads: no gradient is registered for kernel ${node.kernelName}.`);
  }
  // tfjs-core's node.gradient replaces missing output gradients with zeros.
  const closures = node.gradient(dys as tf.Tensor[]);
  return Object.entries(p.inputs).map(([name, input]): Contribution => {
    const closure = closures[name];
    if (!closure) {
      throw new Error(`leanVariableGrads: ${node.kernelName} has no gradient for input ${name}.`);
    }
    const dx = closure();
    if (dx.dtype !== 'float32' || !tf.util.arraysEqual(dx.shape, input.shape)) {
      throw new ShapeError({
        fn: 'leanVariableGrads',
        problem: `the gradient of ${node.kernelName} for input ${name} is malformed`,
        expected: `float32 ${JSON.stringify(input.shape)}`,
        got: `${dx.dtype} ${JSON.stringify(dx.shape)}`,
      });
    }
    return [input, dx];
  });
}

/** Walks the path backwards, accumulating gradients and freeing each one once it is used. */
function backprop(path: TapePath, tape: TapeNode[], xs: tf.Variable[], y: tf.Tensor) {
  const plan = planRules(path);
  const bypassed = new Set<PathNode>();
  for (const m of plan.values()) for (const b of m.bypassed) bypassed.add(b);
  const onPath = new Set(path.nodes.map((p) => p.node));
  // Saved tensors nothing will read: nodes off the path and nodes a rule bypasses.
  for (const node of tape) if (!onPath.has(node)) releaseSaved(node);
  for (const p of bypassed) releaseSaved(p.node);

  const xsIds = new Set(xs.map((x) => x.id));
  const grad = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
  const stored = new Set<tf.Tensor>(grad.values());
  for (let i = path.nodes.length - 1; i >= 0; i--) {
    const p = path.nodes[i]!;
    const dys = p.node.outputs.map((o) => grad.get(o.id) ?? null);
    if (bypassed.has(p) || dys.every((d) => d === null)) {
      releaseSaved(p.node);
      continue;
    }
    const targets: tf.Tensor[] = [];
    const dxs = tf.tidy(() =>
      nodeGradients(p, dys, plan.get(p)).map(([input, dx]) => {
        targets.push(input);
        return dx;
      }),
    );
    // The outputs' gradients are used up: free them unless they became an input's gradient.
    for (const o of p.node.outputs) {
      const d = grad.get(o.id);
      if (!d || xsIds.has(o.id)) continue;
      grad.delete(o.id);
      stored.delete(d);
      if (!dxs.includes(d)) d.dispose();
    }
    releaseSaved(p.node);
    dxs.forEach((dx, k) => {
      const id = targets[k]!.id;
      const own = stored.has(dx) ? tf.clone(dx) : dx;
      const prev = grad.get(id);
      if (prev) {
        grad.set(id, tf.add(prev, own));
        stored.delete(prev);
        prev.dispose();
        own.dispose();
      } else {
        grad.set(id, own);
      }
      stored.add(grad.get(id)!);
    });
  }
  return xs.map((x) => grad.get(x.id));
}

/**
 * Computes `f()` and its gradients with respect to `varList` (default: every trainable
 * variable), like `tf.variableGrads`, with a backward pass built for training large CNNs on a
 * CPU:
 *
 * - **Memory:** tfjs-core keeps every tensor saved for the backward pass and every intermediate
 *   gradient until the whole backward pass ends. Here each gradient is freed as soon as it has
 *   been propagated, and each node's saved tensors as soon as its gradient has run (with the
 *   wasm kernels a ResNet-50 step at 224×224, batch 8, fits the 4 GB wasm heap).
 * - **Speed (wasm with {@link registerWasmTrainingKernels}):** training BatchNorm, ReLU and
 *   tfjs-layers' convolutions get fused gradient rules (one kernel instead of a chain of ops;
 *   no input gradient for the first convolution, whose input is the image). On other backends
 *   tfjs-core's gradients run unchanged.
 *
 * The values equal tfjs-core's up to float rounding. Inside another gradient computation
 * (higher-order gradients) it falls back to `tf.variableGrads`, which keeps the tape.
 *
 * @param f The loss; runs once, inside a tidy. Must return a scalar.
 * @param varList Variables to differentiate (default: all trainable ones); as in
 *   `tf.variableGrads`, those with `trainable = false` get no gradient.
 * @returns `{ value, grads }`, both owned by the caller; `grads` has an entry per variable the
 *   loss depends on.
 * @throws {ConfigError} when `varList` is empty or holds no trainable variable, or the loss
 *   depends on none of the variables.
 * @throws {ShapeError} when `f` returns something other than a scalar tensor.
 * @example
 * ```ts
 * const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
 * const { value, grads } = leanVariableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), vars);
 * optimizer.applyGradients(grads);
 * tf.dispose([value, grads]);
 * ```
 */
export function leanVariableGrads(f: () => tf.Scalar, varList?: tf.Variable[]): LeanGrads {
  const engine = tf.engine();
  const state = engine.state as unknown as TapeState;
  if (state.gradientDepth > 0) return tf.variableGrads(f, varList);
  const given =
    varList ??
    Object.values(engine.registeredVariables).filter((v) => (v as tf.Variable).trainable);
  if (given.length === 0) {
    fail(
      'there is nothing to differentiate',
      'at least one variable',
      0,
      'Pass the trainable variables',
    );
  }
  for (const v of given) {
    if (!(v instanceof tf.Variable)) {
      fail(
        'varList must hold tf.Variable objects',
        'tf.Variable',
        typeof v,
        'Use layer.trainableWeights.map((w) => w.read())',
      );
    }
  }
  // As tf.variableGrads: variables marked non-trainable get no gradient.
  const xs = given.filter((v) => v.trainable);
  if (xs.length === 0) {
    fail(
      'none of the variables is trainable',
      'at least one variable with trainable = true',
      `${given.length} non-trainable`,
      'Pass the trainable variables',
    );
  }
  state.activeTape = [];
  state.gradientDepth++;
  let y: tf.Tensor;
  try {
    y = tf.tidy('forward', f);
  } catch (error) {
    for (const node of state.activeTape ?? []) releaseSaved(node);
    state.activeTape = null;
    throw error;
  } finally {
    state.gradientDepth--;
  }
  const tape = state.activeTape ?? [];
  try {
    if (!(y instanceof tf.Tensor) || y.rank !== 0) {
      throw new ShapeError({
        fn: 'leanVariableGrads',
        problem: 'f must return a scalar tensor',
        expected: 'a tf.Scalar',
        got: y instanceof tf.Tensor ? `shape ${JSON.stringify(y.shape)}` : typeof y,
        fix: 'Reduce the loss, e.g. with tf.mean',
      });
    }
    const path = pathFromTape(tape, xs, y);
    const list = path.nodes.length ? tf.tidy('backward', () => backprop(path, tape, xs, y)) : [];
    const grads: tf.NamedTensorMap = {};
    xs.forEach((v, i) => {
      if (list[i]) grads[v.name] = list[i]!;
    });
    if (Object.keys(grads).length === 0) {
      fail(
        'the loss does not depend on any of the variables',
        'a loss computed from them',
        'none',
        'Make sure every op that uses the variables runs inside f',
      );
    }
    return { value: y as tf.Scalar, grads };
  } catch (error) {
    if (y instanceof tf.Tensor) y.dispose();
    throw error;
  } finally {
    for (const node of tape) releaseSaved(node);
    state.activeTape = null;
  }
}
