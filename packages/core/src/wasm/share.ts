/**
 * `Identity` and same-dtype `Cast` for the wasm backend as buffer sharing.
 *
 * The stock wasm kernels copy the data. tfjs-core's engine clones every tensor it saves for the
 * backward pass with the `Identity` kernel, and `tf.moments` casts its float32 input to float32:
 * on wasm each of those was a full copy, which doubled the memory a training step keeps alive
 * between forward and backward. Tensors are immutable, so — like the cpu backend — the output
 * can share the input's buffer (the refcount frees it when both are gone).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, stockWasmKernel, type WasmKernelFunc } from './wasm-scratch.js';

function share(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The registered `Identity` kernel function for `wasm`. */
export function identityWasm(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') {
    return (stockWasmKernel('Identity').kernelFunc as unknown as WasmKernelFunc)(args);
  }
  return share(args);
}

/**
 * The registered `Cast` kernel function for `wasm`: shares when the dtype does not change. Casts
 * to bool give 0/1 like the other backends (the stock kernel copies the numbers unchanged:
 * `cast([0, 3], 'bool')` read back as 3).
 */
export function castWasm(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { dtype } = args.attrs as { dtype: tf.DataType };
  if (dtype === x.dtype && dtype !== 'string') return share(args);
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const out = args.backend.makeOutput(x.shape, 'bool');
    const src = args.backend.typedArrayFromHeap(x);
    const dst = args.backend.typedArrayFromHeap(out);
    for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  return (stockWasmKernel('Cast').kernelFunc as unknown as WasmKernelFunc)(args);
}
