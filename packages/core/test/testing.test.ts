import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TensorLeakError } from '../src/index.js';
import { assertAllClose, compareArrays, expectNoTensorLeak } from '../src/testing/index.js';

describe('@tumorxai/core/testing', () => {
  it('expectNoTensorLeak passes for tidy code and ignores returned tensors', async () => {
    const x = tf.ones([3]);
    await expectNoTensorLeak(() => tf.tidy(() => tf.mul(tf.add(x, 1), 2)));
    x.dispose();
  });

  it('expectNoTensorLeak detects a leak', async () => {
    const kept: tf.Tensor[] = [];
    const error = await expectNoTensorLeak(() => {
      kept.push(tf.ones([2]));
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TensorLeakError);
    expect((error as Error).message).toMatch(/3 tensors leaked over 3 calls/);
    tf.dispose(kept);
  });

  it('compares arrays with atol + rtol', () => {
    expect(compareArrays([1, 2, 3], [1, 2, 3.1], { atol: 0.01 }).failures).toBe(1);
    expect(() => assertAllClose([1, 2], [1, 2.5], { atol: 0.1, name: 'x' })).toThrow(
      /x differ at 1 of 2/,
    );
    expect(assertAllClose([100.01], [100], { atol: 0, rtol: 1e-3 }).failures).toBe(0);
    expect(() => assertAllClose([Number.NaN], [1])).toThrow();
  });
});
