/**
 * `Conv2DBackpropInput` for the wasm backend, replacing the stock kernel (a scalar C++ loop at
 * ~3 GFLOP/s) with XNNPACK work:
 *
 *   dx[n, p, q, c] = Σ dy[n, i, j, o] · W[a, b, c, o]   over i·sh + a − padTop = p, j·sw + b − padLeft = q
 *
 * - `'gemm'` / `'gemm-t'`: P = dy · Wᵀ (one GEMM, [n·ho·wo, kh·kw·c]) holds every output pixel's
 *   contribution to the kh×kw input pixels it was computed from; col2im adds them up (for 1×1
 *   filters P is dx at every stride-th pixel). The two orientations differ in which operand
 *   XNNPACK packs (see {@link chooseInputStrategy}).
 * - `'conv'` (k×k filters): a stride-1 convolution of dy, zero-padded by (kh − 1 − padTop) rows
 *   above, with the filter flipped in space and its in/out channels swapped. For stride s > 1, dx
 *   is split into its s×s phases (sub-pixel decomposition): phase (φh, φw) only receives taps
 *   a ≡ φh, b ≡ φw (mod s), a stride-1 convolution of dy with a sub-filter; the phases are
 *   interleaved at the end. This avoids convolving the s²-times larger zero-inserted dy.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, convGeometry } from './conv-geometry.js';
import { inputGradViaConv } from './input-grad-conv.js';
import { window2d, zeroInsert } from './nhwc-window.js';
import { type KernelArgs, WasmScratch } from './wasm-scratch.js';

/**
 * How dx is computed: `'conv'` (k×k only), `'gemm'` (GEMM `dy · Wᵀ`, XNNPACK packs the re-laid-out
 * filter) or `'gemm-t'` (GEMM `W · dyᵀ`: the filter is read in place and XNNPACK packs dy).
 */
export type InputGradStrategy = 'conv' | 'gemm' | 'gemm-t';

/**
 * The cheapest strategy for a shape, from the costs measured with the layer benchmark: XNNPACK
 * packs the right-hand GEMM operand on every call (≈10 ns per element, like a transpose), so
 * the GEMMs pack whichever of the filter (kh·kw·c·co) and dy (n·ho·wo·co) is smaller. The
 * stride-1 convolution wins on large maps, where its filter re-layout is amortised.
 */
export function chooseInputStrategy(g: ConvGeometry): InputGradStrategy {
  const pixels = g.n * g.ho * g.wo;
  const taps = g.kh * g.kw * g.c;
  const kxk = g.kh * g.kw > 1;
  if (kxk && g.sh === 1 && g.sw === 1 && pixels >= 4 * g.c) return 'conv';
  // gemm: transpose + pack the filter; gemm-t: transpose + pack dy, transpose the product.
  return pixels * (g.co + taps) < 2 * taps * g.co ? 'gemm-t' : 'gemm';
}

/**
 * P = dy · Wᵀ as [n·ho·wo, kh·kw·c]: for every output pixel, its contribution to each of the
 * kh×kw input pixels it was computed from.
 */
function contributions(
  s: WasmScratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
  strategy: 'gemm' | 'gemm-t',
): tf.TensorInfo {
  const taps = g.kh * g.kw * g.c;
  const pixels = g.n * g.ho * g.wo;
  const dy2 = s.reshape(dy, [pixels, g.co]);
  const w2 = s.reshape(filter, [taps, g.co]);
  if (strategy === 'gemm') return s.matMul(dy2, s.transpose(w2, [1, 0]));
  // Pᵀ = W · dyᵀ: the filter is the GEMM's left operand, read without packing.
  return s.transpose(s.matMul(w2, s.transpose(dy2, [1, 0])), [1, 0]);
}

/** 1×1 filters: dx at every stride-th pixel is dy · Wᵀ. */
function viaGemm1x1(
  s: WasmScratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
  strategy: 'gemm' | 'gemm-t',
) {
  const sub = s.reshape(contributions(s, dy, filter, g, strategy), [g.n, g.ho, g.wo, g.c]);
  return window2d(s, zeroInsert(s, sub, g.sh, g.sw), g.padTop, g.h, g.padLeft, g.w);
}

/** k×k filters: the contributions P, added up into dx by col2im. */
function viaGemmCol2im(
  s: WasmScratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
  strategy: 'gemm' | 'gemm-t',
) {
  const p = contributions(s, dy, filter, g, strategy);
  const dx = s.zeros([g.n, g.h, g.w, g.c]);
  const src = s.backend.typedArrayFromHeap(p) as Float32Array;
  const dst = s.backend.typedArrayFromHeap(dx) as Float32Array;
  col2im(src, dst, g);
  return dx;
}

/** dst[n, i·sh + a − pt, j·sw + b − pl, :] += src[n, i, j, a, b, :] for in-range pixels. */
function col2im(src: Float32Array, dst: Float32Array, g: ConvGeometry): void {
  const { c } = g;
  let o = 0;
  for (let n = 0; n < g.n; n++) {
    for (let i = 0; i < g.ho; i++) {
      for (let j = 0; j < g.wo; j++) {
        for (let a = 0; a < g.kh; a++) {
          const p = i * g.sh + a - g.padTop;
          if (p < 0 || p >= g.h) {
            o += g.kw * c;
            continue;
          }
          for (let b = 0; b < g.kw; b++) {
            const q = j * g.sw + b - g.padLeft;
            if (q >= 0 && q < g.w) {
              let t = ((n * g.h + p) * g.w + q) * c;
              const end = o + c;
              while (o < end) dst[t++]! += src[o++]!;
            } else {
              o += c;
            }
          }
        }
      }
    }
  }
}

/** Computes dx with a given strategy (exported for the tests and the layer benchmark). */
export function conv2dBackpropInputWith(
  strategy: InputGradStrategy | 'auto',
  args: KernelArgs,
): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const g = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  const s = new WasmScratch(args.backend);
  try {
    let chosen = strategy === 'auto' ? chooseInputStrategy(g) : strategy;
    if (g.kh === 1 && g.kw === 1) {
      if (chosen === 'conv') chosen = 'gemm';
      return s.finish(viaGemm1x1(s, dy, filter, g, chosen));
    }
    return s.finish(
      chosen === 'conv'
        ? inputGradViaConv(s, dy, filter, g)
        : viaGemmCol2im(s, dy, filter, g, chosen),
    );
  } catch (error) {
    s.dispose();
    throw error;
  }
}

/** The registered `Conv2DBackpropInput` kernel function for `wasm`. */
export function conv2dBackpropInputWasm(args: KernelArgs): tf.TensorInfo {
  return conv2dBackpropInputWith('auto', args);
}
