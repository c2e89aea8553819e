import * as tf from '@tensorflow/tfjs-core';
import { createRng, ShapeError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import { makeViews, randomResizedCrop, viewsBySize } from '../src/index.js';

describe('viewsBySize', () => {
  it('builds the recipe once per output size, the initial size at once', () => {
    const built: string[] = [];
    const views = viewsBySize(
      'test',
      (size: number) => {
        built.push(String(size));
        const crop = randomResizedCrop({ size });
        return makeViews([crop, crop]);
      },
      (images) => images.shape[1],
      8,
    );
    expect(built).toEqual(['8']);
    const a = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const b = tf.zeros([2, 12, 12, 1]) as tf.Tensor4D;
    const out = [...views(a, createRng(0)), ...views(b, createRng(0)), ...views(b, createRng(1))];
    expect(built).toEqual(['8', '12']);
    expect(out.map((t) => t.shape)).toEqual([
      [2, 8, 8, 1],
      [2, 8, 8, 1],
      [2, 12, 12, 1],
      [2, 12, 12, 1],
      [2, 12, 12, 1],
      [2, 12, 12, 1],
    ]);
    tf.dispose([a, b, ...out]);
  });

  it('rejects a batch that is not [N, H, W, C] before any op runs', () => {
    let calls = 0;
    const views = viewsBySize(
      'test',
      () => () => {
        calls++;
        return [];
      },
      () => 8,
      8,
    );
    const x = tf.zeros([8, 8, 1]);
    expect(() => views(x as unknown as tf.Tensor4D, createRng(0))).toThrow(ShapeError);
    expect(calls).toBe(0);
    x.dispose();
  });
});
