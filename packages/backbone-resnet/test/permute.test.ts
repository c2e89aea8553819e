import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { permuteAxes, sumInputChannels } from '../src/permute.js';

describe('permuteAxes', () => {
  it.each([
    [
      [5, 7],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [4, 3, 2, 5],
      [2, 3, 1, 0],
    ],
    [
      [2, 5, 3, 4],
      [3, 2, 0, 1],
    ],
    [
      [3, 1, 2, 2],
      [0, 1, 2, 3],
    ],
    [[6], [0]],
  ])('matches tf.transpose for shape %j perm %j', (shape, perm) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const data = x.dataSync() as Float32Array;
    const expected = tf.transpose(x, perm);
    expect(permuteAxes(data, shape, perm)).toEqual(expected.dataSync());
    tf.dispose([x, expected]);
  });
});

describe('sumInputChannels', () => {
  it('matches tf.sum over axis 1 with keepDims', () => {
    const x = tf.randomNormal([4, 3, 2, 2], 0, 1, 'float32', 5);
    const expected = tf.sum(x, 1, true);
    const got = sumInputChannels(x.dataSync() as Float32Array, x.shape);
    expect(got).toHaveLength(16);
    assertAllClose(got, expected.dataSync(), { atol: 1e-6 });
    tf.dispose([x, expected]);
  });
});
