/**
 * Per-channel reductions and affine maps of `[…, C]` tensors on the wasm heap, built from the
 * backend's SIMD kernels.
 *
 * Reductions over all leading axes — BatchNorm's statistics and its gradient sums — are one
 * XNNPACK average pooling over a `[1, rows, 1, C]` view with a single `rows × 1` window: about
 * 0.1 ns per element, where the stock `Sum`/`Mean` transpose the input first (8–16 ns per
 * element) and a JavaScript loop takes 7–10 ns. Its float32 accumulation is as accurate as the
 * stock kernels' (measured against float64 on 4·10⁵ rows: 1·10⁻⁵ relative).
 *
 * XNNPACK's average pooling in tfjs-backend-wasm 4.22 corrupts the heap ("memory access out of
 * bounds" at a later malloc or free) when rows are long: measured on [8, C] inputs, fine at
 * C = 16,200, crashing at 16,383 and 16,384, and fine again at [5, 16384] — so it depends on
 * more than the shape (our guess: a per-call stack buffer of C floats against Emscripten's 64 KiB
 * stack). It bit the center update of a 65,536-way DINO head. Rows of 8,192 channels or more (a
 * 2× margin) go to the stock `Mean` kernel instead.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { WasmScratch } from './wasm-scratch.js';

/** Channels from which rows go to the stock `Mean` (XNNPACK's average pooling is unsafe). */
export const AVG_POOL_MAX_CHANNELS = 8192;

/** Mean over all but the last axis of `x` (`[…, C]`), as a `[1, 1, 1, C]` heap tensor. */
export function channelMean(s: WasmScratch, x: tf.TensorInfo, channels: number): tf.TensorInfo {
  const rows = x.shape.reduce((a, b) => a * b, 1) / channels;
  if (channels >= AVG_POOL_MAX_CHANNELS) {
    const mean = s.run(
      'Mean',
      { x: s.reshape(x, [rows, channels]) },
      { axis: [0], keepDims: false },
    );
    return s.reshape(mean, [1, 1, 1, channels]);
  }
  return s.run(
    'AvgPool',
    { x: s.reshape(x, [1, rows, 1, channels]) },
    { filterSize: [rows, 1], strides: [rows, 1], pad: 'valid' },
  );
}

/** The values of a small heap tensor, copied out. */
export function readValues(s: WasmScratch, t: tf.TensorInfo): Float32Array {
  return Float32Array.from(s.backend.typedArrayFromHeap(t) as Float32Array);
}

/** A new `[C]` heap tensor holding `values`. */
export function channelVector(s: WasmScratch, values: ArrayLike<number>): tf.TensorInfo {
  const out = s.track(s.backend.makeOutput([values.length], 'float32'));
  (s.backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}

/** `a ⊙ b`, `a + b`, `a − b` with broadcasting (XNNPACK binary kernels). */
export function binary(
  s: WasmScratch,
  op: 'Multiply' | 'Add' | 'Sub',
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  return s.run(op, { a, b });
}
