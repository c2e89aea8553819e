/**
 * Fused backward rules of {@link leanVariableGrads}: a rule recognises a node (or a small
 * subgraph) on the tape and computes its input gradients directly, instead of tfjs-core's
 * composed gradient. Nodes a rule makes redundant are "bypassed": their saved tensors are freed
 * before the backward pass starts and they are never run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { matchBatchNorm } from './batch-norm-rule.js';
import { RELU_GRAD } from './fused-grad-kernels.js';
import { recordedAttrs } from './kernel-attrs.js';
import type { PathNode, TapePath } from './tape.js';

/** A gradient contribution: `grad` is added to the gradient of `input`. */
export type Contribution = [input: tf.Tensor, grad: tf.Tensor];

/** A rule applied to one anchor node. */
export interface RuleMatch {
  anchor: PathNode;
  /** Nodes whose work the anchor's rule already covers. */
  bypassed: PathNode[];
  /** Input gradients from the gradients of the anchor's outputs (run inside a tidy). */
  backward(dys: Array<tf.Tensor | null>): Contribution[];
}

/** ReLU: one pass, dx = dy where x > 0 (tfjs-core: step, cast and mul copies). */
function matchRelu(p: PathNode): RuleMatch | null {
  if (p.node.kernelName !== 'Relu' || !('x' in p.inputs) || !p.node.saved?.[0]) return null;
  const x = p.node.saved[0];
  return {
    anchor: p,
    bypassed: [],
    backward: ([dy]) => [
      [p.inputs.x!, tf.engine().runKernel(RELU_GRAD, { dy: dy!, x }) as tf.Tensor],
    ],
  };
}

/**
 * tfjs-core's fused conv2d (what tfjs-layers' Conv2D runs) differentiates with a custom gradient
 * that always computes dx, also for the first layer whose input is the image. This rule computes
 * only the gradients that reach a variable, from the attributes the wasm `FusedConv2D` recorded.
 */
function matchFusedConv(p: PathNode): RuleMatch | null {
  const out = p.node.outputs[0];
  const rec =
    out && p.node.kernelName !== 'FusedConv2D' ? recordedAttrs(out, 'FusedConv2D') : undefined;
  const saved = p.node.saved;
  if (rec?.activation !== 'linear' || rec.hasPreluWeights || !saved || saved.length < 3) {
    return null;
  }
  const [filter, x] = saved as [tf.Tensor4D, tf.Tensor4D];
  // The custom-gradient node of tfjs-core's fused conv2d: inputs '0' (x), '1' (filter), '2'
  // (bias), saved [filter, x, y, bias] (a reshape or clone of y shares the record: not this).
  const { '0': xIn, '1': wIn } = p.node.inputs;
  if (!xIn || !wIn || x?.rank !== 4 || filter?.rank !== 4) return null;
  if (!tf.util.arraysEqual(filter.shape, wIn.shape) || x.size !== xIn.size) return null;
  const bias = rec.hasBias ? p.node.inputs['2'] : undefined;
  const attrs = { ...rec.conv, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap;
  return {
    anchor: p,
    bypassed: [],
    backward: ([dyOut]) => {
      const dy = dyOut!.rank === 3 ? tf.expandDims(dyOut!, 0) : dyOut!;
      const engine = tf.engine();
      const grads: Contribution[] = [];
      if ('0' in p.inputs) {
        const dx = engine.runKernel(
          'Conv2DBackpropInput',
          { dy, filter },
          {
            ...attrs,
            inputShape: x.shape,
          },
        ) as tf.Tensor;
        grads.push([p.inputs['0']!, tf.reshape(dx, p.inputs['0']!.shape)]);
      }
      if ('1' in p.inputs) {
        const dW = engine.runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          {
            ...attrs,
            filterShape: filter.shape,
          },
        ) as tf.Tensor;
        grads.push([p.inputs['1']!, dW]);
      }
      if ('2' in p.inputs && bias) {
        grads.push([p.inputs['2']!, tf.reshape(tf.sum(dy, [0, 1, 2]), bias.shape)]);
      }
      return grads;
    },
  };
}

/** Whether the fused rules can run: wasm with TumorXAI's training kernels registered. */
export function fusedRulesAvailable(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' && tf.getKernel(RELU_GRAD, backend) != null;
}

/** Finds every rule application on the path (each node belongs to at most one). */
export function planRules(path: TapePath): Map<PathNode, RuleMatch> {
  const plan = new Map<PathNode, RuleMatch>();
  if (!fusedRulesAvailable()) return plan;
  const taken = new Set<PathNode>();
  for (let i = path.nodes.length - 1; i >= 0; i--) {
    const p = path.nodes[i]!;
    if (taken.has(p)) continue;
    const match = matchBatchNorm(p, path) ?? matchRelu(p) ?? matchFusedConv(p);
    if (!match || match.bypassed.some((b) => taken.has(b) || plan.has(b))) continue;
    plan.set(p, match);
    taken.add(p);
    for (const b of match.bypassed) taken.add(b);
  }
  return plan;
}
