/**
 * safetensors ↔ TensorFlow.js tensors, on top of the byte format of `safetensors.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { IOError } from './errors.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsInput,
} from './safetensors.js';

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /**
   * What to do with F64 tensors (TensorFlow.js has no float64): `'error'` (default) throws,
   * `'float32'` casts them to float32.
   */
  float64?: 'error' | 'float32';
}

/**
 * Reads a safetensors buffer into TensorFlow.js tensors.
 *
 * dtype mapping: F32/F16 → float32, F64 → float32 when `{ float64: 'float32' }`, I64/I32/I16/I8/U8
 * → int32 (I64 values outside the int32 range throw), BOOL → bool.
 * The caller owns the returned tensors and must dispose them.
 *
 * @throws {IOError} on a corrupt header or an unsupported conversion.
 * @example
 * ```ts
 * const weights = readSafetensors(fs.readFileSync('resnet18.safetensors'));
 * weights['conv1.weight'].shape; // [64, 3, 7, 7]
 * ```
 */
export function readSafetensors(
  bytes: Uint8Array,
  options: ReadSafetensorsOptions = {},
): Record<string, tf.Tensor> {
  const { entries } = decodeSafetensors(bytes);
  const out: Record<string, tf.Tensor> = {};
  for (const [name, entry] of Object.entries(entries)) {
    out[name] = entryToTensor(name, entry, options);
  }
  return out;
}

/** Converts one decoded entry to a tensor (see {@link readSafetensors} for the dtype mapping). */
export function entryToTensor(
  name: string,
  entry: SafetensorsEntry,
  options: ReadSafetensorsOptions = {},
): tf.Tensor {
  const { dtype, shape, data } = entry;
  switch (dtype) {
    case 'F64':
      if (options.float64 !== 'float32') {
        throw new IOError({
          fn: 'readSafetensors',
          problem: `tensor "${name}" is F64, which TensorFlow.js cannot hold`,
          fix: "Pass { float64: 'float32' } to cast it, or save it as float32",
        });
      }
      return tf.tensor(Float32Array.from(data as Float64Array), shape, 'float32');
    case 'F32':
    case 'F16':
      return tf.tensor(data as Float32Array, shape, 'float32');
    case 'I64': {
      const src = data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i]!;
        if (v > 2147483647n || v < -2147483648n) {
          throw new IOError({
            fn: 'readSafetensors',
            problem: `tensor "${name}" (I64) holds ${v}, outside the int32 range of TensorFlow.js`,
          });
        }
        out[i] = Number(v);
      }
      return tf.tensor(out, shape, 'int32');
    }
    case 'I32':
    case 'I16':
    case 'I8':
      return tf.tensor(data as Int32Array, shape, 'int32');
    case 'U8':
      return tf.tensor(Int32Array.from(data as Uint8Array), shape, 'int32');
    case 'BOOL':
      return tf.tensor(data as Uint8Array, shape, 'bool');
  }
}

const TF_TO_ST: Partial<Record<tf.DataType, SafetensorsDtype>> = {
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

/**
 * Writes tensors (float32 → F32, int32 → I32, bool → BOOL) and optional string metadata to a
 * safetensors buffer. Inputs are not disposed. Reads the values synchronously (`dataSync`).
 *
 * @throws {IOError} for a dtype safetensors cannot hold (`string`, `complex64`) or a reserved name.
 * @example
 * ```ts
 * fs.writeFileSync('w.safetensors', writeSafetensors({ w: tf.ones([2, 2]) }, { epoch: '3' }));
 * ```
 */
export function writeSafetensors(
  tensors: Record<string, tf.Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries: Record<string, SafetensorsInput> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const dtype = TF_TO_ST[t.dtype];
    if (!dtype) {
      throw new IOError({
        fn: 'writeSafetensors',
        problem: `tensor "${name}" has dtype ${t.dtype}, which safetensors cannot store`,
        expected: 'float32, int32 or bool',
        got: t.dtype,
      });
    }
    entries[name] = { dtype, shape: t.shape.slice(), data: t.dataSync() as ArrayLike<number> };
  }
  return encodeSafetensors(entries, metadata);
}
