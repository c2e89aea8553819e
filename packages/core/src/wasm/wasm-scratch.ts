/**
 * Direct calls to the wasm backend's own kernels from inside another kernel.
 *
 * A training kernel is composed from kernels the wasm backend already has (XNNPACK convolution
 * and GEMM, data movement). Calling them through `tf.*` ops would record them on the gradient
 * tape and allocate engine tensors; instead {@link WasmScratch} calls each kernel's `kernelFunc`
 * with raw `TensorInfo`s and frees every temporary with `backend.disposeData` when the composed
 * kernel finishes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import { transposeInfo } from './fast-transpose.js';

/** The parts of `@tensorflow/tfjs-backend-wasm`'s `BackendWasm` the training kernels use. */
export interface WasmBackendLike {
  /** Decrements the refcount of `dataId` and frees the heap block when it reaches 0. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  /** Increments the refcount of `dataId` (a reshape view shares its buffer). */
  incRef(dataId: tf.DataId): void;
  /** Allocates an output on the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a tensor's bytes on the heap (invalidated when the heap grows). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** The Emscripten module; `HEAPU8.length` is the current heap size. */
  wasm: { HEAPU8: Uint8Array };
}

/** Arguments every kernel function receives. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackendLike;
  attrs: tf.NamedAttrMap;
}

/** A kernel implementation on the wasm backend. */
export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

const stockKernels = new Map<string, tf.KernelConfig>();

/**
 * Returns the wasm backend's own kernel `name` as registered by `@tensorflow/tfjs-backend-wasm`
 * (remembered the first time, so that a kernel we replace can still call the original).
 */
export function stockWasmKernel(name: string): tf.KernelConfig {
  let config = stockKernels.get(name);
  if (config === undefined) {
    const current = tf.getKernel(name, 'wasm');
    if (current == null) {
      throw new BackendError({
        fn: 'registerWasmTrainingKernels',
        problem: `the wasm backend has no "${name}" kernel`,
        expected: 'the kernels of @tensorflow/tfjs-backend-wasm 4.22 to be registered',
        got: 'none',
        fix: "Import '@tensorflow/tfjs-backend-wasm' (or call initBackend('wasm')) before registering the training kernels",
      });
    }
    config = { ...current };
    stockKernels.set(name, config);
  }
  return config;
}

/** Whether the stock kernel `name` has been captured (i.e. before we replaced it). */
export function hasCapturedStockKernel(name: string): boolean {
  return stockKernels.has(name);
}

/**
 * A scope of temporaries on the wasm heap: {@link run} calls a stock wasm kernel and records its
 * output; {@link finish} frees every recorded temporary except the result.
 */
export class WasmScratch {
  private readonly temps: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Calls the stock wasm kernel `name`; the output is freed by {@link finish} unless returned. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const kernelFunc = stockWasmKernel(name).kernelFunc as unknown as WasmKernelFunc;
    const out = kernelFunc({ inputs, attrs, backend: this.backend });
    this.temps.push(out);
    return out;
  }

  /** Records an output allocated by hand (e.g. with `backend.makeOutput`). */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.temps.push(info);
    return info;
  }

  /** A new zero-filled float32 tensor. */
  zeros(shape: number[]): tf.TensorInfo {
    const out = this.track(this.backend.makeOutput(shape, 'float32'));
    this.backend.typedArrayFromHeap(out).fill(0);
    return out;
  }

  /** A view of `x` with another shape (no copy). */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** `x` with its axes permuted (a copy; see {@link transposeInfo}). */
  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.track(transposeInfo(this.backend, x, perm));
  }

  /** A contiguous slice. */
  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Zero padding, `paddings[i] = [before, after]`. */
  pad(x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /**
   * `a @ b` for 2-D `a: [M, K]`, `b: [K, N]` through XNNPACK's fully-connected operator (the only
   * fast path of the wasm `BatchMatMul`: batch 1, no transpose flags). XNNPACK caches the packed
   * `b` under its tensor id, so `b` must never be seen under another shape.
   */
  matMul(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
    const [m] = a.shape;
    const [, n] = b.shape;
    const out = this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    return this.reshape(out, [m!, n!]);
  }

  /**
   * Frees every temporary except `result` and returns it as a kernel output. `result` may be a
   * temporary, a view of one, or an input (then it gets its own reference).
   */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    let kept = false;
    for (const t of this.temps) {
      if (t === result && !kept) {
        kept = true;
        continue;
      }
      this.backend.disposeData(t.dataId);
    }
    this.temps.length = 0;
    if (kept) return result;
    this.backend.incRef(result.dataId);
    return { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
  }

  /** Frees every temporary (on error paths). */
  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}
