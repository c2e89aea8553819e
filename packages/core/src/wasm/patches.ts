/**
 * im2col, transposed: the input patches of a convolution as one matrix, for the GEMM forms of
 * the forward convolution and of the filter gradient.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry.js';
import { stridedPixelsTransposed } from './fast-transpose.js';
import type { WasmScratch } from './wasm-scratch.js';

/** Patches of x as a matrix [kh·kw·c, n·ho·wo] (rows ordered (a, b, c) like dW). */
export function patchesTransposed(
  s: WasmScratch,
  x: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const k = g.n * g.ho * g.wo;
  if (g.kh === 1 && g.kw === 1 && g.padTop === 0 && g.padLeft === 0) {
    if (g.sh === 1 && g.sw === 1 && g.ho === g.h && g.wo === g.w) {
      return s.transpose(s.reshape(x, [k, g.c]), [1, 0]);
    }
    return s.track(stridedPixelsTransposed(s.backend, x, g.ho, g.wo, g.sh, g.sw));
  }
  // [c, n, h, w], zero-padded to the rows/columns the forward convolution read.
  const xt = s.transpose(x, [3, 0, 1, 2]);
  const needH = g.kh + (g.ho - 1) * g.sh;
  const needW = g.kw + (g.wo - 1) * g.sw;
  const padBottom = Math.max(0, needH - g.padTop - g.h);
  const padRight = Math.max(0, needW - g.padLeft - g.w);
  const xp =
    g.padTop || g.padLeft || padBottom || padRight
      ? s.pad(xt, [
          [0, 0],
          [0, 0],
          [g.padTop, padBottom],
          [g.padLeft, padRight],
        ])
      : xt;
  const taps: tf.TensorInfo[] = [];
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      const tap =
        g.sh === 1 && g.sw === 1
          ? s.slice(xp, [0, 0, a, b], [g.c, g.n, g.ho, g.wo])
          : s.run(
              'StridedSlice',
              { x: xp },
              {
                begin: [0, 0, a, b],
                end: [g.c, g.n, a + (g.ho - 1) * g.sh + 1, b + (g.wo - 1) * g.sw + 1],
                strides: [1, 1, g.sh, g.sw],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      taps.push(s.reshape(tap, [g.c, k]));
    }
  }
  return taps.length === 1 ? taps[0]! : s.run('Concat', taps as never, { axis: 0 });
}
