import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { collapseThreshold, embeddingStd, l2Normalize, ShapeError } from '../src/index.js';
import { expectNoTensorLeak } from '../src/testing/index.js';

describe('l2Normalize', () => {
  it('divides rows by max(‖x‖, eps), as torch.nn.functional.normalize', () => {
    const x = tf.tensor2d([
      [3, 4],
      [0, 0],
      [1e-13, 0],
    ]);
    const u = l2Normalize(x);
    const got = u.arraySync() as number[][];
    expect(got[0]![0]).toBeCloseTo(0.6, 7);
    expect(got[0]![1]).toBeCloseTo(0.8, 7);
    expect(got[1]).toEqual([0, 0]);
    // ‖x‖ = 1e-13 < eps = 1e-12: divided by eps, not by the norm.
    expect(got[2]![0]).toBeCloseTo(0.1, 6);
    expect(() => l2Normalize(tf.scalar(1))).toThrow(ShapeError);
    tf.dispose([x, u]);
  });
});

describe('embeddingStd', () => {
  it('is 0 for collapsed embeddings and close to 1/√d for isotropic ones', () => {
    const collapsed = tf.tile(tf.tensor2d([[0.3, -1, 2, 0.5]]), [64, 1]);
    expect(embeddingStd(collapsed)).toBeLessThan(1e-6);
    const d = 32;
    const spread = tf.randomNormal([4096, d], 0, 1, 'float32', 3);
    const std = embeddingStd(spread);
    expect(Math.abs(std - 1 / Math.sqrt(d))).toBeLessThan(0.01 / Math.sqrt(d));
    expect(std).toBeGreaterThan(collapseThreshold(d));
    expect(collapseThreshold(d)).toBeCloseTo(0.1 / Math.sqrt(d), 12);
    expect(collapseThreshold(d, 0.5)).toBeCloseTo(0.5 / Math.sqrt(d), 12);
    tf.dispose([collapsed, spread]);
  });

  it('rejects a non-2-D input and does not leak', async () => {
    const z = tf.randomNormal([8, 4]);
    expect(() => embeddingStd(tf.zeros([3]))).toThrow(ShapeError);
    await expectNoTensorLeak(() => {
      embeddingStd(z);
    });
    z.dispose();
  });
});
