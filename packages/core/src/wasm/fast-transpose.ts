/**
 * A cache-blocked transpose that works in place on the wasm heap.
 *
 * The wasm backend's `Transpose` kernel walks the output element by element with computed
 * offsets and no blocking: 5–12 ns per element when the innermost axis moves (measured on
 * ResNet activations), which made the layout changes of the gradient kernels cost as much as
 * their GEMMs. Here adjacent axes that stay together are merged first; a permutation that keeps
 * the innermost axis becomes contiguous row copies, any other one a 32×32-tiled 2-D transpose
 * between the input's and the output's innermost axes.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { stockWasmKernel, type WasmBackendLike, type WasmKernelFunc } from './wasm-scratch.js';

type NumArray = Int32Array;

const TILE = 32;

/** Drops size-1 axes and merges input axes that stay adjacent and in order in the output. */
function mergeAxes(shape: readonly number[], perm: readonly number[]) {
  const keep = perm.filter((p) => shape[p]! > 1);
  // Rank of each kept input axis among kept axes, in input order.
  const sortedKeep = [...keep].sort((a, b) => a - b);
  const rank = new Map(sortedKeep.map((axis, i) => [axis, i]));
  const p = keep.map((axis) => rank.get(axis)!);
  const s = sortedKeep.map((axis) => shape[axis]!);
  // Merge runs where output axis k+1 is input axis p[k]+1.
  const groups: number[][] = [];
  for (const axis of p) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1]! + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const order = [...groups].sort((a, b) => a[0]! - b[0]!);
  const mergedShape = order.map((grp) => grp.reduce((acc, axis) => acc * s[axis]!, 1));
  const mergedPerm = groups.map((grp) => order.indexOf(grp));
  return { shape: mergedShape, perm: mergedPerm };
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return strides;
}

/** Calls `body(inOffset, outOffset)` for every index of the axes in `axes` (an odometer). */
function forEachOuter(
  axes: number[],
  shape: readonly number[],
  inStride: readonly number[],
  outStride: readonly number[],
  body: (inOff: number, outOff: number) => void,
): void {
  const idx = new Array<number>(axes.length).fill(0);
  let inOff = 0;
  let outOff = 0;
  for (;;) {
    body(inOff, outOff);
    let k = axes.length - 1;
    for (; k >= 0; k--) {
      const axis = axes[k]!;
      idx[k]!++;
      inOff += inStride[axis]!;
      outOff += outStride[axis]!;
      if (idx[k]! < shape[axis]!) break;
      inOff -= inStride[axis]! * shape[axis]!;
      outOff -= outStride[axis]! * shape[axis]!;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** Writes `src` transposed by `perm` into `dst` (both flat, row-major). */
export function transposeArray(
  src: NumArray,
  shape: readonly number[],
  perm: readonly number[],
  dst: NumArray,
): void {
  const m = mergeAxes(shape, perm);
  const r = m.shape.length;
  if (r <= 1) {
    dst.set(src.subarray(0, dst.length));
    return;
  }
  const inStride = stridesOf(m.shape);
  const outShape = m.perm.map((axis) => m.shape[axis]!);
  const outStrideByOut = stridesOf(outShape);
  const outStride = new Array<number>(r);
  m.perm.forEach((axis, k) => {
    outStride[axis] = outStrideByOut[k]!;
  });
  const inner = r - 1; // contiguous in the input
  const outer = m.perm[r - 1]!; // contiguous in the output
  if (outer === inner) {
    // The innermost axis stays innermost: copy rows of `len` elements.
    const len = m.shape[inner]!;
    const rows = [...Array(r - 1).keys()];
    forEachOuter(rows, m.shape, inStride, outStride, (inOff, outOff) => {
      if (len >= 64) {
        dst.set(src.subarray(inOff, inOff + len), outOff);
      } else {
        for (let k = 0; k < len; k++) dst[outOff + k] = src[inOff + k]!;
      }
    });
    return;
  }
  const rest = [...Array(r).keys()].filter((axis) => axis !== inner && axis !== outer);
  forEachOuter(rest, m.shape, inStride, outStride, (inBase, outBase) => {
    transposeTile2d(
      src,
      dst,
      inBase,
      outBase,
      m.shape[outer]!,
      m.shape[inner]!,
      inStride[outer]!,
      outStride[inner]!,
    );
  });
}

/**
 * dst[outBase + j·sj + i] = src[inBase + i·si + j] for i < ni, j < nj, in 32×32 tiles, four
 * source rows at a time (four sequential read streams, four adjacent writes).
 */
export function transposeTile2d(
  src: NumArray,
  dst: NumArray,
  inBase: number,
  outBase: number,
  ni: number,
  nj: number,
  si: number,
  sj: number,
): void {
  for (let i0 = 0; i0 < ni; i0 += TILE) {
    const i1 = Math.min(ni, i0 + TILE);
    for (let j0 = 0; j0 < nj; j0 += TILE) {
      const j1 = Math.min(nj, j0 + TILE);
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        let s0 = inBase + i * si + j0;
        let s1 = s0 + si;
        let s2 = s1 + si;
        let s3 = s2 + si;
        let o = outBase + j0 * sj + i;
        for (let j = j0; j < j1; j++) {
          dst[o] = src[s0++]!;
          dst[o + 1] = src[s1++]!;
          dst[o + 2] = src[s2++]!;
          dst[o + 3] = src[s3++]!;
          o += sj;
        }
      }
      for (; i < i1; i++) {
        let s0 = inBase + i * si + j0;
        let o = outBase + j0 * sj + i;
        for (let j = j0; j < j1; j++) {
          dst[o] = src[s0++]!;
          o += sj;
        }
      }
    }
  }
}

/** The 4-byte elements of a float32/int32 heap tensor as one monomorphic array type. */
export function int32View(backend: WasmBackendLike, info: tf.TensorInfo): Int32Array {
  const view = backend.typedArrayFromHeap(info);
  return new Int32Array(view.buffer, view.byteOffset, view.length);
}

/**
 * `Transpose` of a tensor on the wasm heap into a new heap tensor (owned by the caller).
 * Permutations that keep the innermost axis go to the stock kernel (row copies); the others
 * use the tiled transpose above.
 */
export function transposeInfo(
  backend: WasmBackendLike,
  x: tf.TensorInfo,
  perm: readonly number[],
): tf.TensorInfo {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new ConfigError({
      fn: 'transposeInfo',
      problem: 'only 4-byte dtypes are supported',
      expected: 'float32 or int32',
      got: x.dtype,
    });
  }
  const merged = mergeAxes(x.shape, perm);
  const r = merged.shape.length;
  if (r <= 1 || merged.perm[r - 1] === r - 1) {
    // Row copies: the stock kernel's per-element loop is as fast as memcpy here.
    const stock = stockWasmKernel('Transpose').kernelFunc as unknown as WasmKernelFunc;
    return stock({ inputs: { x }, attrs: { perm: [...perm] }, backend });
  }
  const outShape = perm.map((axis) => x.shape[axis]!);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views are taken after the allocation: growing the heap detaches earlier views.
  transposeArray(int32View(backend, x), x.shape, perm, int32View(backend, out));
  return out;
}
