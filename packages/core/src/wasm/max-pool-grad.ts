/**
 * `MaxPoolGrad` for the wasm backend. The stock kernel (tfjs-backend-wasm 4.22) starts each
 * window's running maximum at `std::numeric_limits<float>::min()` — the smallest *positive*
 * float, not the lowest — and at tensor offset 0: a window whose values are all ≤ 0 (a dead
 * ReLU region before ResNet's max-pool, or any all-negative window) sends its gradient to the
 * first element of the whole tensor instead of to its maximum. It also breaks ties towards the
 * last maximum. This kernel follows the cpu backend: the first strict maximum of the in-bounds
 * window receives the gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './wasm-scratch.js';

/** The registered `MaxPoolGrad` kernel function for `wasm` (inputs dy, input, output). */
export function maxPoolGradWasm(args: KernelArgs): tf.TensorInfo {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const dx = args.backend.makeOutput(input.shape, 'float32');
  const x = args.backend.typedArrayFromHeap(input) as Float32Array;
  const g = args.backend.typedArrayFromHeap(dy) as Float32Array;
  const out = args.backend.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  let o = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < ho; i++) {
      const r0 = Math.max(0, i * info.strideHeight - info.padInfo.top);
      const r1 = Math.min(h, i * info.strideHeight - info.padInfo.top + info.filterHeight);
      for (let j = 0; j < wo; j++, o += c) {
        const c0 = Math.max(0, j * info.strideWidth - info.padInfo.left);
        const c1 = Math.min(w, j * info.strideWidth - info.padInfo.left + info.filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const base = ((n * h + r) * w + q) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k]!;
              if (v > best[k]!) {
                best[k] = v;
                where[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++) if (where[k]! >= 0) out[where[k]!]! += g[o + k]!;
      }
    }
  }
  return dx;
}
