/**
 * `Sum` and `Mean` for the wasm backend without the transpose.
 *
 * The stock kernels first transpose the input so that the reduced axes are innermost. The
 * reductions of a training step are over the leading axes — BatchNorm's batch statistics and
 * its gradient sums over [N, H, W] of an NHWC activation — so the stock path moves the whole
 * activation before reading it (8–16 ns per element). Here, when the reduced axes are a leading
 * block, the reduction is one XNNPACK average pooling (see `channel-ops.ts`, ~0.1 ns per
 * element). Other reductions go to the stock kernels. `Mean` also records its axes for the
 * fused BatchNorm gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { channelMean, readValues } from './channel-ops.js';
import { recordAttrs } from './kernel-attrs.js';
import {
  type KernelArgs,
  stockWasmKernel,
  type WasmKernelFunc,
  WasmScratch,
} from './wasm-scratch.js';

/** The reduced axes as a sorted list. */
function reducedAxes(shape: readonly number[], axis: number | number[] | null | undefined) {
  const all = [...shape.keys()];
  return [...tf.util.parseAxisParam(axis ?? all, [...shape])].sort((a, b) => a - b);
}

/** `rows × cols` when `axes` is a leading block of `shape` (size-1 axes do not matter). */
function leadingBlock(shape: readonly number[], axes: number[]): [number, number] | null {
  const reduced = new Set(axes);
  let rows = 1;
  let cols = 1;
  let inCols = false;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (reduced.has(i)) {
      if (inCols && d !== 1) return null;
      rows *= d;
    } else {
      if (d !== 1) inCols = true;
      cols *= d;
    }
  }
  return [rows, cols];
}

function reduceRows(args: KernelArgs, mean: boolean): tf.TensorInfo | null {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32') return null;
  const axes = reducedAxes(x.shape, axis);
  const block = leadingBlock(x.shape, axes);
  if (block === null || block[0] === 0 || block[1] === 0) return null;
  const [rows, cols] = block;
  const outShape = keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i));
  const s = new WasmScratch(args.backend);
  const avg = channelMean(s, x, cols);
  if (mean) return s.finish(s.reshape(avg, outShape));
  const sums = readValues(s, avg).map((v) => v * rows);
  s.dispose();
  const out = args.backend.makeOutput(outShape, 'float32');
  (args.backend.typedArrayFromHeap(out) as Float32Array).set(sums);
  return out;
}

/** The registered `Sum` kernel function for `wasm`. */
export function sumWasm(args: KernelArgs): tf.TensorInfo {
  return (
    reduceRows(args, false) ??
    (stockWasmKernel('Sum').kernelFunc as unknown as WasmKernelFunc)(args)
  );
}

/** The registered `Mean` kernel function for `wasm`. */
export function meanWasm(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const out =
    reduceRows(args, true) ??
    (stockWasmKernel('Mean').kernelFunc as unknown as WasmKernelFunc)(args);
  recordAttrs(out, { kernel: 'Mean', axes: reducedAxes(x.shape, args.attrs.axis as number[]) });
  return out;
}
