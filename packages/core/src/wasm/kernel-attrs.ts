/**
 * Attributes of forward kernels, remembered per output buffer.
 *
 * tfjs-core's gradient tape keeps a node's inputs, outputs and saved tensors but not its
 * attributes (they live only in the gradient closure). The fused gradient rules of
 * {@link leanVariableGrads} need a few of them — BatchNorm's ε, a convolution's strides and
 * padding, a mean's axes — so the wasm kernels that produce those outputs record them here,
 * keyed weakly by the output's `dataId` (nothing is kept alive by the record).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ConvAttrs } from './conv-geometry.js';

/** What a forward kernel recorded about its output. */
export type RecordedAttrs =
  | { kernel: 'Mean'; axes: number[] }
  | { kernel: 'FusedBatchNorm'; varianceEpsilon: number }
  | {
      kernel: 'FusedConv2D';
      conv: ConvAttrs;
      activation: string;
      hasBias: boolean;
      hasPreluWeights: boolean;
    };

const records = new WeakMap<object, RecordedAttrs>();

/** Remembers `attrs` for the buffer of `out`. */
export function recordAttrs(out: tf.TensorInfo, attrs: RecordedAttrs): void {
  records.set(out.dataId as object, attrs);
}

/** What was recorded for the buffer of `t`, if `kernel` produced it. */
export function recordedAttrs<K extends RecordedAttrs['kernel']>(
  t: tf.TensorInfo,
  kernel: K,
): Extract<RecordedAttrs, { kernel: K }> | undefined {
  const r = records.get(t.dataId as object);
  return r?.kernel === kernel ? (r as Extract<RecordedAttrs, { kernel: K }>) : undefined;
}
