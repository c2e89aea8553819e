/**
 * The `'conv'` strategy of `Conv2DBackpropInput` (k×k filters): dx as stride-1 convolutions of
 * dy with the flipped, channel-swapped filter. For stride s > 1 dx is split into its s×s phases
 * (sub-pixel decomposition): phase (φh, φw) only receives taps a ≡ φh, b ≡ φw (mod s), which is a
 * stride-1 convolution of dy with a sub-filter; the phases are interleaved at the end. This
 * avoids convolving the s²-times larger zero-inserted dy, which wastes (s² − 1)/s² of the work.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry.js';
import { window2d } from './nhwc-window.js';
import type { WasmScratch } from './wasm-scratch.js';

/**
 * The sub-filter of phase (φh, φw) for stride (sh, sw): taps a = φh + m·sh, b = φw + l·sw, flipped
 * (m, l reversed) and with in/out channels swapped → [mh, mw, co, c]. `wT` is W as [kh, kw, co, c].
 */
function phaseFilter(s: WasmScratch, wT: tf.TensorInfo, g: ConvGeometry, ph: number, pw: number) {
  const mh = Math.ceil((g.kh - ph) / g.sh);
  const mw = Math.ceil((g.kw - pw) / g.sw);
  const taps: tf.TensorInfo[] = [];
  for (let m = mh - 1; m >= 0; m--) {
    for (let l = mw - 1; l >= 0; l--) {
      const a = ph + m * g.sh;
      const b = pw + l * g.sw;
      taps.push(s.slice(wT, [a, b, 0, 0], [1, 1, g.co, g.c]));
    }
  }
  const cat = taps.length === 1 ? taps[0]! : s.run('Concat', taps as never, { axis: 0 });
  return { filter: s.reshape(cat, [mh, mw, g.co, g.c]), mh, mw };
}

/**
 * Phase (φh, φw) of dx as a dense [n, uh, uw, c] block whose row k is dx row
 * (u0 + k)·sh + φh − padTop (a row outside dx is computed and cropped later).
 */
function phaseGrad(
  s: WasmScratch,
  dy: tf.TensorInfo,
  wT: tf.TensorInfo,
  g: ConvGeometry,
  ph: number,
  pw: number,
  u0: [number, number],
  uh: number,
  uw: number,
): tf.TensorInfo {
  const { filter, mh, mw } = phaseFilter(s, wT, g, ph, pw);
  // out[u] = Σ_m dy[u − m] · W[φh + m·sh]: a correlation of dy padded by mh − 1 rows above.
  const dyWin = window2d(s, dy, u0[0] - (mh - 1), uh + mh - 1, u0[1] - (mw - 1), uw + mw - 1);
  return s.run(
    'Conv2D',
    { x: dyWin, filter },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] },
  );
}

/** dx of a k×k convolution through XNNPACK convolutions (see the file comment). */
export function inputGradViaConv(
  s: WasmScratch,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
) {
  const wT = s.transpose(filter, [0, 1, 3, 2]); // [kh, kw, co, c]
  // dx row p = u·sh + φh − padTop; u runs over [u0, u0 + uh) so that every p in [0, h) is covered
  // (for stride 1 exactly, for stride s at most one extra row per phase).
  const u0: [number, number] = [Math.floor(g.padTop / g.sh), Math.floor(g.padLeft / g.sw)];
  const uh = Math.ceil((g.h + g.padTop) / g.sh) - u0[0];
  const uw = Math.ceil((g.w + g.padLeft) / g.sw) - u0[1];
  const rows: tf.TensorInfo[] = [];
  for (let ph = 0; ph < g.sh; ph++) {
    const cols: tf.TensorInfo[] = [];
    for (let pw = 0; pw < g.sw; pw++) {
      // A phase without taps (filter smaller than the stride) receives no gradient.
      const grad =
        ph < g.kh && pw < g.kw
          ? phaseGrad(s, dy, wT, g, ph, pw, u0, uh, uw)
          : s.zeros([g.n, uh, uw, g.c]);
      cols.push(s.reshape(grad, [g.n, uh, uw, 1, g.c]));
    }
    // Interleave columns: [n, uh, uw, sw, c] → [n, uh, uw·sw, c].
    const row = cols.length === 1 ? cols[0]! : s.run('Concat', cols as never, { axis: 3 });
    rows.push(s.reshape(row, [g.n, uh, 1, uw * g.sw, g.c]));
  }
  const all = rows.length === 1 ? rows[0]! : s.run('Concat', rows as never, { axis: 2 });
  const grid = s.reshape(all, [g.n, uh * g.sh, uw * g.sw, g.c]);
  // Grid row r is dx row r + u0·sh − padTop.
  return window2d(s, grid, g.padTop - u0[0] * g.sh, g.h, g.padLeft - u0[1] * g.sw, g.w);
}
