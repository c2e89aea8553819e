/**
 * BatchNorm and ReLU kernels of the wasm training path, composed from the backend's SIMD
 * kernels (XNNPACK binary ops, average pooling for the channel sums) instead of per-element
 * loops: the stock `FusedBatchNorm` is a scalar loop at ~11 ns per element, elementwise
 * JavaScript at 5–30 ns, XNNPACK's binary ops at 0.1–0.4 ns.
 *
 * - `FusedBatchNorm` (replaced): y = (x − μ)·a + β with a = γ/√(σ² + ε) per channel: three
 *   passes. It also records ε for the gradient rule.
 * - `TumorxaiBatchNormGrad` (added, used by {@link leanVariableGrads}): training-mode BatchNorm
 *   with batch statistics [0] (Ioffe & Szegedy, 2015, https://arxiv.org/abs/1502.03167). With M
 *   values per channel, rstd = 1/√(σ² + ε), S = Σ dy·(x − μ):
 *   dγ = rstd·S, dβ = Σ dy, dx = γ·rstd·(dy − Σdy/M − (x − μ)·rstd²·S/M).
 *   tfjs-core instead differentiates `moments` and `batchNorm` separately (≈20 ops, a `Tile` and
 *   half a dozen full-size temporaries per layer).
 * - `TumorxaiReluGrad` (added): dx = dy · step(x) as two kernel calls, without tfjs-core's
 *   `cast` and engine bookkeeping.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { binary, channelMean, channelVector, readValues } from './channel-ops.js';
import { recordAttrs } from './kernel-attrs.js';
import {
  type KernelArgs,
  stockWasmKernel,
  type WasmKernelFunc,
  WasmScratch,
} from './wasm-scratch.js';

/** Kernel name of the fused BatchNorm gradient (outputs dx, dScale, dOffset). */
export const BATCH_NORM_GRAD = 'TumorxaiBatchNormGrad';
/** Kernel name of the ReLU gradient. */
export const RELU_GRAD = 'TumorxaiReluGrad';

/** The per-channel parameters as JS arrays, when they are all per-channel (or absent). */
function perChannel(s: WasmScratch, inputs: Record<string, tf.TensorInfo | undefined>, c: number) {
  const out: Record<string, Float32Array | null> = {};
  for (const [name, t] of Object.entries(inputs)) {
    if (!t) {
      out[name] = null;
      continue;
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== c || t.dtype !== 'float32') return null;
    out[name] = readValues(s, t);
  }
  return out;
}

/** The registered `FusedBatchNorm` kernel function for `wasm`. */
export function fusedBatchNormWasm(args: KernelArgs): tf.TensorInfo {
  const { x, mean, variance, offset, scale } = args.inputs as Record<string, tf.TensorInfo>;
  const eps = (args.attrs.varianceEpsilon as number | undefined) ?? 0.001;
  const c = x!.shape[x!.shape.length - 1] ?? 1;
  const s = new WasmScratch(args.backend);
  const p = x!.dtype === 'float32' ? perChannel(s, { mean, variance, offset, scale }, c) : null;
  let out: tf.TensorInfo;
  if (p === null || x!.shape.length === 0) {
    out = (stockWasmKernel('FusedBatchNorm').kernelFunc as unknown as WasmKernelFunc)(args);
  } else {
    const a = new Float32Array(c);
    for (let k = 0; k < c; k++)
      a[k] = (p.scale ? p.scale[k]! : 1) / Math.sqrt(p.variance![k]! + eps);
    let y = binary(s, 'Multiply', binary(s, 'Sub', x!, mean!), channelVector(s, a));
    if (offset) y = binary(s, 'Add', y, offset);
    out = s.finish(y);
  }
  s.dispose();
  recordAttrs(out, { kernel: 'FusedBatchNorm', varianceEpsilon: eps });
  return out;
}

/** `TumorxaiBatchNormGrad` on wasm: inputs dy, x ([…, C]), mean, variance, scale? ([C]). */
export function batchNormGradWasm(args: KernelArgs): tf.TensorInfo[] {
  const { dy, x, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
  const eps = args.attrs.varianceEpsilon as number;
  const c = x!.shape[x!.shape.length - 1]!;
  const m = x!.shape.reduce((a, b) => a * b, 1) / c;
  const s = new WasmScratch(args.backend);
  try {
    const xc = binary(s, 'Sub', x!, mean!);
    const meanDy = readValues(s, channelMean(s, dy!, c));
    const meanDyXc = readValues(s, channelMean(s, binary(s, 'Multiply', dy!, xc), c));
    const vv = readValues(s, variance!);
    const gamma = scale ? readValues(s, scale) : null;
    const k1 = new Float32Array(c); // γ·rstd
    const kx = new Float32Array(c); // −γ·rstd³·S/M
    const k0 = new Float32Array(c); // −γ·rstd·Σdy/M
    const dScale = new Float32Array(c);
    const dOffset = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      const rstd = 1 / Math.sqrt(vv[k]! + eps);
      const g = gamma ? gamma[k]! : 1;
      dScale[k] = rstd * meanDyXc[k]! * m;
      dOffset[k] = meanDy[k]! * m;
      k1[k] = g * rstd;
      kx[k] = -g * rstd * rstd * rstd * meanDyXc[k]!;
      k0[k] = -g * rstd * meanDy[k]!;
    }
    const t = binary(
      s,
      'Add',
      binary(s, 'Multiply', dy!, channelVector(s, k1)),
      channelVector(s, k0),
    );
    const dx = s.finish(binary(s, 'Add', t, binary(s, 'Multiply', xc, channelVector(s, kx))));
    const small = (v: Float32Array) => {
      const o = args.backend.makeOutput([...mean!.shape], 'float32');
      (args.backend.typedArrayFromHeap(o) as Float32Array).set(v);
      return o;
    };
    return [{ ...dx, shape: x!.shape }, small(dScale), small(dOffset)];
  } finally {
    s.dispose();
  }
}

/** `TumorxaiReluGrad` on wasm: inputs dy, x (same shape). */
export function reluGradWasm(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs as Record<string, tf.TensorInfo>;
  const s = new WasmScratch(args.backend);
  const mask = s.run('Step', { x: x! }, { alpha: 0 });
  const dx = s.finish(binary(s, 'Multiply', dy!, mask));
  s.dispose();
  return dx;
}
