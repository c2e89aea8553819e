/**
 * Shared by the `wasm-*.test.ts` files: switching between the `cpu` reference and `wasm`, seeded
 * inputs, and the relative-error check of the issue (max |Δ| ≤ 1e-4 · max |reference|).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../src/index.js';
import { assertAllClose } from '../src/testing/index.js';

/** Seeded uniform(−1, 1) values. */
export function seeded(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/** Runs `fn` on `backend` and returns the values of the tensors it returns (then disposes them). */
export async function onBackend(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return values;
}

/** Asserts max |actual − expected| ≤ rel · max |expected|. */
export function expectRelClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  name: string,
  rel = 1e-4,
): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  assertAllClose(actual, expected, { atol: rel * Math.max(scale, 1e-30), rtol: 0, name });
}

/** Number of buffers the active backend holds (kernels must not leak any). */
export function dataIds(): number {
  return tf.engine().backend.numDataIds();
}
