/**
 * `Conv2DBackpropFilter` for the wasm backend (which has none): the filter gradient
 *
 *   dW[a, b, c, o] = Σ_{n,i,j} x[n, i·sh + a − padTop, j·sw + b − padLeft, c] · dy[n, i, j, o]
 *
 * (x is zero outside its bounds), computed with ONE XNNPACK GEMM or convolution of re-laid-out
 * operands. Two strategies, picked per shape by {@link chooseFilterStrategy}:
 *
 * - `'gemm'` (im2col): dW = Aᵀ·dy with A = [n·ho·wo, kh·kw·c] the patches of x. For 1×1 filters A
 *   is x itself (strided for stride 2), so this is a single GEMM plus one transpose.
 * - `'conv'` (transposition trick): swap the roles of batch and channels and run one stride-1
 *   convolution dilated by the forward stride: input x' = [c, h, w, n], filter dy' = [ho, wo, n, o],
 *   output [c, kh, kw, o], transposed to [kh, kw, c, o].
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, convGeometry } from './conv-geometry.js';
import { patchesTransposed } from './patches.js';
import { type KernelArgs, WasmScratch } from './wasm-scratch.js';

/** How the filter gradient is computed. */
export type FilterGradStrategy = 'gemm' | 'conv';

/** Largest im2col matrix (elements) the GEMM strategy builds; beyond it the convolution runs. */
const MAX_PATCHES = 2 ** 26;

/**
 * The faster strategy for a shape (CPU time per ResNet-18/50 layer, `bench/wasm` layer
 * measurements): the GEMM on the im2col matrix everywhere — the transposition trick spends
 * more on its two transposes and on XNNPACK re-packing dy as a filter — unless that matrix
 * would exceed 2²⁶ elements (256 MB).
 */
export function chooseFilterStrategy(g: ConvGeometry): FilterGradStrategy {
  return g.kh * g.kw * g.c * g.n * g.ho * g.wo <= MAX_PATCHES ? 'gemm' : 'conv';
}

function viaGemm(s: WasmScratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry) {
  const k = g.n * g.ho * g.wo;
  const dy2 = s.reshape(dy, [k, g.co]);
  const plain1x1 = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0;
  // XNNPACK packs the right operand (≈3× the cost of a tiled transpose per element): pack the
  // smaller of x and dy.
  if (plain1x1 && 3 * g.c + g.co + (g.c * g.co) / k < 3 * g.co + g.c) {
    // dWᵀ [co, c] = dyᵀ · x (x packed), then transpose the small result.
    const dyT = s.transpose(dy2, [1, 0]);
    const dwT = s.matMul(dyT, s.reshape(x, [k, g.c]));
    return s.reshape(s.transpose(dwT, [1, 0]), [1, 1, g.c, g.co]);
  }
  const a = patchesTransposed(s, x, g);
  return s.reshape(s.matMul(a, dy2), [g.kh, g.kw, g.c, g.co]);
}

function viaConv(s: WasmScratch, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry) {
  // Rows/columns of x the forward convolution never read would make the bottom/right padding
  // negative: crop them.
  const usedH = Math.min(g.h, g.kh + (g.ho - 1) * g.sh - g.padTop);
  const usedW = Math.min(g.w, g.kw + (g.wo - 1) * g.sw - g.padLeft);
  const xc = usedH < g.h || usedW < g.w ? s.slice(x, [0, 0, 0, 0], [g.n, usedH, usedW, g.c]) : x;
  const xt = s.transpose(xc, [3, 1, 2, 0]); // [c, h, w, n]
  const f = s.transpose(dy, [1, 2, 0, 3]); // [ho, wo, n, co]
  const padBottom = g.kh + (g.ho - 1) * g.sh - usedH - g.padTop;
  const padRight = g.kw + (g.wo - 1) * g.sw - usedW - g.padLeft;
  const r = s.run(
    'Conv2D',
    { x: xt, filter: f },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [g.padTop, padBottom],
        [g.padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [g.sh, g.sw],
    },
  ); // [c, kh, kw, co]
  return s.transpose(r, [1, 2, 0, 3]);
}

/**
 * Computes dW with a given strategy (exported for the tests and the layer benchmark; the
 * registered kernel uses {@link chooseFilterStrategy}).
 */
export function conv2dBackpropFilterWith(
  strategy: FilterGradStrategy | 'auto',
  args: KernelArgs,
): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const g = convGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  const s = new WasmScratch(args.backend);
  try {
    const chosen = strategy === 'auto' ? chooseFilterStrategy(g) : strategy;
    return s.finish(chosen === 'gemm' ? viaGemm(s, x, dy, g) : viaConv(s, x, dy, g));
  } catch (error) {
    s.dispose();
    throw error;
  }
}

/** The registered `Conv2DBackpropFilter` kernel function for `wasm`. */
export function conv2dBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  return conv2dBackpropFilterWith('auto', args);
}
