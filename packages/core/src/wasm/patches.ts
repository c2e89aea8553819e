/**
 * im2col, transposed: the input patches of a convolution as one matrix, for the GEMM forms of
 * the forward convolution and of the filter gradient.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry.js';
import { int32View, transposeTile2d } from './fast-transpose.js';
import type { WasmBackendLike, WasmScratch } from './wasm-scratch.js';

/** Geometry of {@link im2colTransposed} (see `conv-geometry.ts`). */
export interface Im2colGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  ho: number;
  wo: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

/**
 * im2col, transposed, in one pass: x `[n, h, w, c]` → `[kh·kw·c, n·ho·wo]` with
 * out[(a·kw + b)·c + k, (m, i, j)] = x[m, i·sh + a − padTop, j·sw + b − padLeft, k] (0 outside
 * x). Each run of in-bounds output pixels is a tiled 2-D transpose; the wasm `Slice` /
 * `StridedSlice` / `Concat` route it replaces spent ~25 ns per element on small maps.
 */
export function im2colTransposed(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  g: Im2colGeometry,
): tf.TensorInfo {
  const pixels = g.n * g.ho * g.wo;
  const out = backend.makeOutput([g.kh * g.kw * g.c, pixels], x.dtype);
  const src = int32View(backend, x);
  const dst = int32View(backend, out);
  dst.fill(0);
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      const tapBase = (a * g.kw + b) * g.c * pixels;
      // Output columns j whose input column q = j·sw + b − padLeft is inside x.
      const j0 = Math.max(0, Math.ceil((g.padLeft - b) / g.sw));
      const j1 = Math.min(g.wo, Math.floor((g.w - 1 + g.padLeft - b) / g.sw) + 1);
      if (j1 <= j0) continue;
      for (let m = 0; m < g.n; m++) {
        for (let i = 0; i < g.ho; i++) {
          const p = i * g.sh + a - g.padTop;
          if (p < 0 || p >= g.h) continue;
          const q0 = j0 * g.sw + b - g.padLeft;
          const inBase = ((m * g.h + p) * g.w + q0) * g.c;
          const outBase = tapBase + (m * g.ho + i) * g.wo + j0;
          transposeTile2d(src, dst, inBase, outBase, j1 - j0, g.c, g.sw * g.c, pixels);
        }
      }
    }
  }
  return out;
}

/** Patches of x as a matrix [kh·kw·c, n·ho·wo] (rows ordered (a, b, c) like dW). */
export function patchesTransposed(
  s: WasmScratch,
  x: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const plain = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0;
  if (plain && g.padLeft === 0 && g.ho === g.h && g.wo === g.w) {
    return s.transpose(s.reshape(x, [g.n * g.ho * g.wo, g.c]), [1, 0]);
  }
  return s.track(im2colTransposed(s.backend, x, g));
}
