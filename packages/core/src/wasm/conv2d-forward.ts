/**
 * `Conv2D` and `FusedConv2D` for the wasm backend: the stock XNNPACK convolution, except where
 * re-packing the filter costs more than the convolution itself.
 *
 * XNNPACK packs a convolution's filter into its own layout when the operator is created, and
 * tfjs creates one operator per filter tensor — in training, every step, after a naive
 * transpose: ≈10 ns per weight, 0.2–0.3 s per step for ResNet-50's 23.5 M conv weights
 * whatever the batch. On small maps (ResNet-50's last stages at 64×64: 2×2 pixels, 2.4 M
 * weights per 3×3 filter) that dominates. There the convolution is computed as
 *
 *   yᵀ [co, n·ho·wo] = Wᵀ [co, kh·kw·c] · patchesᵀ [kh·kw·c, n·ho·wo]
 *
 * with XNNPACK's GEMM, which reads its left operand in place and only packs the (small)
 * patches; the filter costs one cache-blocked transpose. Both kernels also record their
 * attributes for the gradient rules of {@link leanVariableGrads}.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, convGeometry } from './conv-geometry.js';
import { recordAttrs } from './kernel-attrs.js';
import { patchesTransposed } from './patches.js';
import {
  type KernelArgs,
  stockWasmKernel,
  type WasmKernelFunc,
  WasmScratch,
} from './wasm-scratch.js';

/**
 * Whether the transposed GEMM beats XNNPACK's convolution (which packs the whole filter): when
 * gathering and packing the patches costs less than packing the filter (measured per layer).
 */
export function gemmForwardPays(g: ConvGeometry): boolean {
  const pixels = g.n * g.ho * g.wo;
  const taps = g.kh * g.kw * g.c;
  return pixels * (taps + g.co) < taps * g.co;
}

/** y = conv2d(x, W) (+ bias) through the transposed GEMM (exported for the tests). */
export function conv2dViaGemm(args: KernelArgs): tf.TensorInfo {
  const { x, filter, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const g = convGeometry('Conv2D', x!.shape, filter!.shape, args.attrs as unknown as ConvAttrs);
  const s = new WasmScratch(args.backend);
  try {
    const taps = g.kh * g.kw * g.c;
    const wT = s.transpose(s.reshape(filter!, [taps, g.co]), [1, 0]);
    const yT = s.matMul(wT, patchesTransposed(s, x!, g)); // [co, n·ho·wo]
    let y = s.reshape(s.transpose(yT, [1, 0]), [g.n, g.ho, g.wo, g.co]);
    if (bias) y = s.run('Add', { a: y, b: bias });
    return s.finish(y);
  } catch (error) {
    s.dispose();
    throw error;
  }
}

function usable(args: KernelArgs): ConvGeometry | null {
  const { x, filter } = args.inputs as Record<string, tf.TensorInfo>;
  const a = args.attrs as unknown as ConvAttrs & { activation?: string; dilations?: unknown };
  const dil = a.dilations ?? 1;
  const plain = (typeof dil === 'number' ? dil : Math.max(...(dil as number[]))) === 1;
  if (
    !plain ||
    (a.dataFormat ?? 'NHWC') !== 'NHWC' ||
    x!.dtype !== 'float32' ||
    x!.shape.length !== 4
  ) {
    return null;
  }
  const g = convGeometry('Conv2D', x!.shape, filter!.shape, a);
  return gemmForwardPays(g) ? g : null;
}

/** The registered `Conv2D` kernel function for `wasm`. */
export function conv2dWasm(args: KernelArgs): tf.TensorInfo {
  if (usable(args)) return conv2dViaGemm(args);
  return (stockWasmKernel('Conv2D').kernelFunc as unknown as WasmKernelFunc)(args);
}

/** The registered `FusedConv2D` kernel function for `wasm`. */
export function fusedConv2dWasm(args: KernelArgs): tf.TensorInfo {
  const a = args.attrs as unknown as ConvAttrs & { activation?: string };
  const activation = a.activation ?? 'linear';
  const out =
    activation === 'linear' && args.inputs.preluActivationWeights == null && usable(args)
      ? conv2dViaGemm(args)
      : (stockWasmKernel('FusedConv2D').kernelFunc as unknown as WasmKernelFunc)(args);
  recordAttrs(out, {
    kernel: 'FusedConv2D',
    conv: {
      strides: a.strides,
      pad: a.pad,
      dataFormat: a.dataFormat,
      dimRoundingMode: a.dimRoundingMode,
      dilations: a.dilations,
    },
    activation,
    hasBias: args.inputs.bias != null,
    hasPreluWeights: args.inputs.preluActivationWeights != null,
  });
  return out;
}
