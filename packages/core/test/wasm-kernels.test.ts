/**
 * The general-purpose wasm kernels TumorXAI replaces (they serve inference too): Sum/Mean over
 * leading axes, sharing Identity/Cast, the SIMD FusedBatchNorm, BatchMatMul with transposes — against the
 * cpu backend, including the shapes that fall back to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/index.js';
import { dataIds, expectRelClose, onBackend, seeded } from './wasm-helpers.js';

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const x4 = () => tf.tensor4d(seeded(3 * 5 * 6 * 7, 3), [3, 5, 6, 7]);

describe('Sum and Mean on wasm', () => {
  const cases: Array<[string, number | number[], boolean]> = [
    ['leading axes [0, 1, 2]', [0, 1, 2], false],
    ['leading axes, keepDims', [0, 1, 2], true],
    ['axis 0 only', 0, false],
    ['all axes', [0, 1, 2, 3], false],
    ['inner axes [1, 2] (stock path)', [1, 2], false],
    ['last axis (stock path)', -1, true],
  ];
  for (const [name, axis, keepDims] of cases) {
    it(name, async () => {
      const run = () => [tf.sum(x4(), axis, keepDims), tf.mean(x4(), axis, keepDims)];
      const [refSum, refMean] = await onBackend('cpu', run);
      const [sum, mean] = await onBackend('wasm', run);
      expectRelClose(sum!, refSum!, 'sum');
      expectRelClose(mean!, refMean!, 'mean');
      const shapeOn = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        return tf.tidy(() => tf.mean(x4(), axis, keepDims).shape);
      };
      expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'));
    });
  }

  it('reduces long rows (e.g. a DINO center over 65,536 channels) without corrupting the heap', async () => {
    // XNNPACK's average pooling broke the heap on [8, 16383] and [8, 16384] (a later malloc
    // trapped); from 8,192 channels the stock Mean runs. 8,191: the last pooled width.
    for (const [rows, cols] of [
      [8, 8191],
      [8, 8192],
      [8, 16383],
      [9, 16384],
      [16, 65536],
    ] as const) {
      const run = () => {
        const x = tf.tensor2d(seeded(rows * cols, 7), [rows, cols]);
        return [tf.sum(x, 0), tf.mean(x, 0), tf.moments(x, 0).variance];
      };
      const [refSum, refMean, refVar] = await onBackend('cpu', run);
      const [sum, mean, variance] = await onBackend('wasm', run);
      expectRelClose(sum!, refSum!, `sum ${cols}`);
      expectRelClose(mean!, refMean!, `mean ${cols}`);
      expectRelClose(variance!, refVar!, `variance ${cols}`);
      // A heap broken by the kernel traps on the next allocations and frees.
      await onBackend('wasm', () => tf.add(tf.ones([1024, 1024]), 1));
      const before = dataIds();
      tf.tidy(() => tf.mean(tf.ones([rows, cols]), 0)).dispose();
      expect(dataIds()).toBe(before);
    }
  });

  it('sums int32 exactly (stock path)', async () => {
    const run = () =>
      tf.cast(
        tf.sum(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            'int32',
          ),
          0,
        ),
        'float32',
      );
    const [ref] = await onBackend('cpu', run);
    const [got] = await onBackend('wasm', run);
    expect(Array.from(got!)).toEqual(Array.from(ref!));
  });
});

describe('Identity and Cast on wasm', () => {
  it('share the buffer instead of copying, and free it with the last reference', async () => {
    await tf.setBackend('wasm');
    const before = dataIds();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    const c = tf.cast(a, 'float32');
    expect(dataIds()).toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3]);
    c.dispose();
    expect(dataIds()).toBe(before);
  });

  it('still converts between dtypes', async () => {
    const run = () => [
      tf.cast(tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32'), 'float32'),
      tf.cast(tf.cast(tf.tensor1d([0, 3, 0]), 'bool'), 'float32'),
    ];
    const ref = await onBackend('cpu', run);
    const got = await onBackend('wasm', run);
    expect(got.map((v) => Array.from(v))).toEqual(ref.map((v) => Array.from(v)));
  });
});

describe('FusedBatchNorm on wasm', () => {
  const c = 7;
  const vec = (seed: number, shift = 0) => tf.add(tf.tensor1d(seeded(c, seed)), shift);
  const variants: Array<[string, () => tf.Tensor]> = [
    [
      'mean, variance, offset, scale',
      () => tf.batchNorm(x4(), vec(1), vec(2, 1.5), vec(3), vec(4)),
    ],
    ['no offset, no scale', () => tf.batchNorm(x4(), vec(1), vec(2, 1.5))],
    [
      'rank-2 input',
      () =>
        tf.batchNorm(
          tf.tensor2d(seeded(4 * c, 9), [4, c]),
          vec(1),
          vec(2, 1.5),
          vec(3),
          vec(4),
          0.01,
        ),
    ],
    [
      '4-D statistics (stock path)',
      () =>
        tf.batchNorm(x4(), tf.reshape(vec(1), [1, 1, 1, c]), tf.reshape(vec(2, 1.5), [1, 1, 1, c])),
    ],
  ];
  for (const [name, fn] of variants) {
    it(name, async () => {
      const [ref] = await onBackend('cpu', fn);
      const [got] = await onBackend('wasm', fn);
      expectRelClose(got!, ref!, name);
    });
  }
});

describe('BatchMatMul on wasm', () => {
  const cases: Array<[string, number[], number[], boolean, boolean]> = [
    ['A·B', [5, 7], [7, 3], false, false],
    ['A·Bᵀ (dense input gradient)', [5, 7], [3, 7], false, true],
    ['Aᵀ·B (dense weight gradient)', [7, 5], [7, 3], true, false],
    ['Aᵀ·Bᵀ', [7, 5], [3, 7], true, true],
    ['rank 3, batch 1', [1, 5, 7], [1, 3, 7], false, true],
    ['batch 2 (stock path)', [2, 5, 7], [2, 3, 7], false, true],
  ];
  for (const [name, sa, sb, ta, tb] of cases) {
    it(name, async () => {
      const run = () =>
        tf.matMul(
          tf.tensor(seeded(tf.util.sizeFromShape(sa), 5), sa),
          tf.tensor(seeded(tf.util.sizeFromShape(sb), 6), sb),
          ta,
          tb,
        );
      const [ref] = await onBackend('cpu', run);
      const [got] = await onBackend('wasm', run);
      expectRelClose(got!, ref!, name);
      await tf.setBackend('wasm');
      const before = dataIds();
      tf.tidy(run).dispose();
      expect(dataIds()).toBe(before);
    });
  }
});
