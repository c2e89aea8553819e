/**
 * The fused gradient rule for training-mode BatchNorm as tfjs builds it:
 *
 *   m = Mean(X, all but the last axis)        v = Mean(Square(Sub(Cast(X), Reshape(m))))
 *   y = FusedBatchNorm(Reshape?(X), m, v, offset, scale)
 *
 * (`tf.moments` + `tf.batchNorm`, used by tfjs-layers' BatchNormalization in training). tfjs-core
 * differentiates FusedBatchNorm with m and v as inputs and then each op of the moments; here the
 * whole subgraph's gradient comes from one `TumorxaiBatchNormGrad` kernel call. The rule only
 * applies when the intermediate tensors feed nothing else on the way to the loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_GRAD } from './fused-grad-kernels.js';
import type { Contribution, RuleMatch } from './grad-rules.js';
import { recordedAttrs } from './kernel-attrs.js';
import type { PathNode, TapePath } from './tape.js';

/** The node producing `t` on the path, if its kernel is `kernel`. */
function producedBy(path: TapePath, t: tf.Tensor | undefined, kernel: string) {
  const p = t ? path.producer.get(t.id) : undefined;
  return p && p.node.kernelName === kernel ? p : undefined;
}

/** Whether `t`'s only consumers on the path are `allowed`. */
function onlyFeeds(path: TapePath, t: tf.Tensor, allowed: PathNode[]): boolean {
  return (path.consumers.get(t.id) ?? []).every((c) => allowed.includes(c));
}

/** Whether `mean` is the Mean of `x` over all but its last axis. */
function isChannelMean(meanNode: PathNode | undefined, x: tf.Tensor): boolean {
  if (!meanNode || meanNode.node.inputs.x?.id !== x.id) return false;
  const rec = recordedAttrs(meanNode.node.outputs[0]!, 'Mean');
  const leading = [...Array(x.rank - 1).keys()];
  return rec !== undefined && rec.axes.join() === leading.join();
}

/** Matches the training BatchNorm subgraph anchored at a FusedBatchNorm node. */
export function matchBatchNorm(f: PathNode, path: TapePath): RuleMatch | null {
  const { node } = f;
  if (node.kernelName !== 'FusedBatchNorm' || !node.saved || node.saved.length < 3) return null;
  const rec = recordedAttrs(node.outputs[0]!, 'FusedBatchNorm');
  const { x: x4, mean, variance } = node.inputs;
  if (!rec || !x4 || !mean || !variance || !('mean' in f.inputs) || !('variance' in f.inputs)) {
    return null;
  }
  // X: the BatchNorm input before tf.batchNorm's reshape to 4-D.
  const reshapeX = producedBy(path, x4, 'Reshape');
  const meanNode = producedBy(path, mean, 'Mean');
  const xNode = reshapeX && isChannelMean(meanNode, reshapeX.node.inputs.x!) ? reshapeX : undefined;
  const X = xNode ? xNode.node.inputs.x! : x4;
  const channels = X.shape[X.rank - 1];
  if (!isChannelMean(meanNode, X) || mean.size !== channels) return null;
  const varNode = producedBy(path, variance, 'Mean');
  if (!isChannelMean(varNode, varNode?.node.inputs.x ?? X)) return null;
  const sq = producedBy(path, varNode!.node.inputs.x, 'Square');
  const sub = producedBy(path, sq?.node.inputs.x, 'Sub');
  const meanR = producedBy(path, sub?.node.inputs.b, 'Reshape');
  if (!sq || !sub || !meanR || meanR.node.inputs.x?.id !== mean.id) return null;
  const a = sub.node.inputs.a!;
  const cast = a.id === X.id ? undefined : producedBy(path, a, 'Cast');
  if (a.id !== X.id && cast?.node.inputs.x?.id !== X.id) return null;
  // Nothing else on the way to the loss may use the intermediates.
  const ok =
    onlyFeeds(path, mean, [meanR, f]) &&
    onlyFeeds(path, variance, [f]) &&
    onlyFeeds(path, meanR.node.outputs[0]!, [sub]) &&
    onlyFeeds(path, sub.node.outputs[0]!, [sq]) &&
    onlyFeeds(path, sq.node.outputs[0]!, [varNode!]) &&
    (!cast || onlyFeeds(path, a, [sub])) &&
    (!xNode || onlyFeeds(path, x4, [f]));
  if (!ok) return null;
  const bypassed = [meanNode!, varNode!, sq, sub, meanR];
  if (cast) bypassed.push(cast);
  if (xNode) bypassed.push(xNode);
  const saved = node.saved;
  return {
    anchor: f,
    bypassed,
    backward: ([dy]): Contribution[] => {
      const inputs: tf.NamedTensorMap = {
        dy: dy!,
        x: saved[0]!,
        mean: saved[1]!,
        variance: saved[2]!,
      };
      if (node.inputs.scale && saved[3]) inputs.scale = saved[3];
      const [dx, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_GRAD, inputs, {
        varianceEpsilon: rec.varianceEpsilon,
      }) as tf.Tensor[];
      const grads: Contribution[] = [[X, tf.reshape(dx!, X.shape)]];
      if ('scale' in f.inputs)
        grads.push([f.inputs.scale!, tf.reshape(dScale!, f.inputs.scale!.shape)]);
      if ('offset' in f.inputs)
        grads.push([f.inputs.offset!, tf.reshape(dOffset!, f.inputs.offset!.shape)]);
      return grads;
    },
  };
}
