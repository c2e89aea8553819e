/**
 * The layout kernels of the wasm training path: the `Tile` replacement and the tiled transpose
 * used inside the gradient kernels, against the cpu backend (bit-exact: they only move data).
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/index.js';
import { transposeInfo } from '../src/wasm/fast-transpose.js';
import type { WasmBackendLike } from '../src/wasm/wasm-scratch.js';
import { dataIds, onBackend } from './wasm-helpers.js';

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const iota = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tf.reshape(tf.range(0, tf.util.sizeFromShape(shape), 1, dtype), shape);

describe('Tile on wasm', () => {
  const cases: Array<[number[], number[]]> = [
    [
      [1, 1, 1, 7],
      [3, 4, 5, 1],
    ], // the BatchNorm gradient's pattern
    [
      [1, 1, 6],
      [2, 3, 1],
    ],
    [
      [2, 3],
      [2, 2],
    ],
    [
      [1, 4],
      [5, 1],
    ],
    [
      [3, 1],
      [1, 4],
    ],
    [
      [2, 1, 3],
      [1, 3, 2],
    ],
    [[5], [3]],
    [
      [2, 2, 2, 2, 2],
      [2, 1, 2, 1, 2],
    ],
  ];
  for (const [shape, reps] of cases) {
    it(`tiles ${JSON.stringify(shape)} by ${JSON.stringify(reps)} like the cpu backend`, async () => {
      for (const dtype of ['float32', 'int32'] as const) {
        const run = () => tf.tile(iota(shape, dtype), reps);
        const [ref] = await onBackend('cpu', run);
        const [got] = await onBackend('wasm', run);
        expect(Array.from(got!)).toEqual(Array.from(ref!));
      }
    });
  }

  it('tiles booleans', async () => {
    const run = () =>
      tf.cast(tf.tile(tf.tensor2d([true, false, true], [1, 3], 'bool'), [2, 2]), 'float32');
    const [ref] = await onBackend('cpu', run);
    const [got] = await onBackend('wasm', run);
    expect(Array.from(got!)).toEqual(Array.from(ref!));
  });
});

describe('tiled transpose on the wasm heap', () => {
  const cases: Array<[number[], number[]]> = [
    [
      [37, 70],
      [1, 0],
    ],
    [
      [2, 5, 6, 7],
      [3, 1, 2, 0],
    ], // conv dW: x → [c, h, w, n]
    [
      [2, 5, 6, 7],
      [3, 0, 1, 2],
    ], // im2col: x → [c, n, h, w]
    [
      [2, 5, 6, 7],
      [1, 2, 0, 3],
    ], // keeps the innermost axis (stock row copies)
    [
      [3, 3, 4, 5],
      [0, 1, 3, 2],
    ], // filter in/out swap
    [
      [1, 6, 1, 9],
      [3, 1, 2, 0],
    ], // size-1 axes
    [
      [4, 3, 2, 5, 3],
      [4, 2, 0, 3, 1],
    ],
    [
      [64, 33],
      [1, 0],
    ],
  ];
  for (const [shape, perm] of cases) {
    it(`permutes ${JSON.stringify(shape)} by ${JSON.stringify(perm)} exactly`, async () => {
      for (const dtype of ['float32', 'int32'] as const) {
        const [ref] = await onBackend('cpu', () => tf.transpose(iota(shape, dtype), perm));
        await tf.setBackend('wasm');
        const x = iota(shape, dtype);
        const backend = tf.backend() as unknown as WasmBackendLike;
        const before = dataIds();
        const out = transposeInfo(backend, { dataId: x.dataId, shape: x.shape, dtype }, perm);
        expect(out.shape).toEqual(perm.map((p) => shape[p]));
        expect(Array.from(backend.typedArrayFromHeap(out))).toEqual(Array.from(ref!));
        backend.disposeData(out.dataId);
        expect(dataIds()).toBe(before);
        x.dispose();
      }
    });
  }
});
