/**
 * Windows and zero-insertion of NHWC tensors on the wasm heap, shared by the input-gradient
 * strategies.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WasmScratch } from './wasm-scratch.js';

/** Rows [from, from + size) of axis 1 and columns [fromW, fromW + sizeW) of axis 2 of `t`, zero outside. */
export function window2d(
  s: WasmScratch,
  t: tf.TensorInfo,
  from: number,
  size: number,
  fromW: number,
  sizeW: number,
): tf.TensorInfo {
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const cropTop = Math.max(0, from);
  const cropLeft = Math.max(0, fromW);
  const keepH = Math.max(0, Math.min(h, from + size) - cropTop);
  const keepW = Math.max(0, Math.min(w, fromW + sizeW) - cropLeft);
  let cur = t;
  if (keepH !== h || keepW !== w) cur = s.slice(t, [0, cropTop, cropLeft, 0], [n, keepH, keepW, c]);
  const top = Math.max(0, -from);
  const left = Math.max(0, -fromW);
  const bottom = size - top - keepH;
  const right = sizeW - left - keepW;
  if (top || left || bottom || right) {
    cur = s.pad(cur, [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ]);
  }
  return cur;
}

/** `t: [n, h, w, c]` → `[n, (h−1)·sh + 1, (w−1)·sw + 1, c]` with zeros between the pixels. */
export function zeroInsert(
  s: WasmScratch,
  t: tf.TensorInfo,
  sh: number,
  sw: number,
): tf.TensorInfo {
  if (sh === 1 && sw === 1) return t;
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const t6 = s.reshape(t, [n, h, 1, w, 1, c]);
  const p6 = s.pad(t6, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return s.reshape(p6, [n, h * sh, w * sw, c]);
}
