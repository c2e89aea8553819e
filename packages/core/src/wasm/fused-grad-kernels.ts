/**
 * Gradient kernels for the fused backward rules of {@link leanVariableGrads} on wasm, each one
 * pass (or two) over the activation in JavaScript instead of a chain of tfjs ops that each
 * allocate a full-size tensor:
 *
 * - `TumorxaiBatchNormGrad`: training-mode BatchNorm with batch statistics [0] (Ioffe &
 *   Szegedy, 2015, https://arxiv.org/abs/1502.03167). With M values per channel,
 *   rstd = 1/√(σ² + ε), S = Σ dy·(x − μ):
 *   dγ = rstd·S, dβ = Σ dy, dx = γ·rstd·(dy − Σdy/M − (x − μ)·rstd²·S/M).
 *   tfjs-core instead differentiates `moments` and `batchNorm` separately (≈20 ops, a `Tile`
 *   and half a dozen full-size temporaries per layer).
 * - `TumorxaiReluGrad`: dx = dy where x > 0, else 0 (tfjs-core: `step`, `cast`, `mul`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './wasm-scratch.js';

/** Kernel name of the fused BatchNorm gradient (outputs dx, dScale, dOffset). */
export const BATCH_NORM_GRAD = 'TumorxaiBatchNormGrad';
/** Kernel name of the ReLU gradient. */
export const RELU_GRAD = 'TumorxaiReluGrad';

const f32 = (args: KernelArgs, t: tf.TensorInfo) =>
  args.backend.typedArrayFromHeap(t) as Float32Array;

/** `TumorxaiBatchNormGrad` on wasm: inputs dy, x ([…, C]), mean, variance, scale? ([C]). */
export function batchNormGradWasm(args: KernelArgs): tf.TensorInfo[] {
  const { dy, x, mean, variance, scale } = args.inputs as Record<string, tf.TensorInfo>;
  const eps = args.attrs.varianceEpsilon as number;
  const c = mean!.shape.reduce((a, b) => a * b, 1);
  const dx = args.backend.makeOutput(x!.shape, 'float32');
  const dScale = args.backend.makeOutput(mean!.shape, 'float32');
  const dOffset = args.backend.makeOutput(mean!.shape, 'float32');
  // Views after every allocation (a growing heap detaches older views).
  const vdy = f32(args, dy!);
  const vx = f32(args, x!);
  const mu = f32(args, mean!);
  const vv = f32(args, variance!);
  const gamma = scale ? f32(args, scale) : null;
  const out = f32(args, dx);
  const size = vx.length;
  const m = size / c;
  const sdy = new Float64Array(c);
  const s = new Float64Array(c);
  for (let o = 0; o < size; ) {
    for (let k = 0; k < c; k++, o++) {
      const d = vdy[o]!;
      sdy[k]! += d;
      s[k]! += d * (vx[o]! - mu[k]!);
    }
  }
  const k1 = new Float64Array(c);
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  const vScale = f32(args, dScale);
  const vOffset = f32(args, dOffset);
  for (let k = 0; k < c; k++) {
    const rstd = 1 / Math.sqrt(vv[k]! + eps);
    vScale[k] = rstd * s[k]!;
    vOffset[k] = sdy[k]!;
    k1[k] = (gamma ? gamma[k]! : 1) * rstd;
    a[k] = sdy[k]! / m;
    b[k] = (rstd * rstd * s[k]!) / m;
  }
  for (let o = 0; o < size; ) {
    for (let k = 0; k < c; k++, o++) {
      out[o] = k1[k]! * (vdy[o]! - a[k]! - (vx[o]! - mu[k]!) * b[k]!);
    }
  }
  return [dx, dScale, dOffset];
}

/** `TumorxaiReluGrad` on wasm: inputs dy, x (same shape). NaN in x gives NaN, like tfjs. */
export function reluGradWasm(args: KernelArgs): tf.TensorInfo {
  const { dy, x } = args.inputs as Record<string, tf.TensorInfo>;
  const dx = args.backend.makeOutput(x!.shape, 'float32');
  const vdy = f32(args, dy!);
  const vx = f32(args, x!);
  const out = f32(args, dx);
  for (let i = 0; i < out.length; i++) {
    const v = vx[i]!;
    out[i] = v > 0 ? vdy[i]! : Number.isNaN(v) ? Number.NaN : 0 * vdy[i]!;
  }
  return dx;
}
