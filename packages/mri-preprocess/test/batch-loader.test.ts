import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  colorJitter,
  compose,
  createBatchLoader,
  horizontalFlip,
  makeViews,
} from '../src/index.js';

// Image i is filled with the value i, so a batch's content reveals its indices.
const n = 10;
const images = tf.tidy(() =>
  tf.mul(tf.ones([n, 4, 4, 1]), tf.reshape(tf.range(0, n), [n, 1, 1, 1])),
) as tf.Tensor4D;
const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
afterAll(() => images.dispose());

const firstPixels = (t: tf.Tensor4D) => {
  const v = t.dataSync();
  return Array.from({ length: t.shape[0] }, (_, b) => v[b * 16]!);
};

describe('createBatchLoader', () => {
  it('visits every index once per epoch, reshuffled each epoch', () => {
    const loader = createBatchLoader(images, { batchSize: 3, seed: 1, labels });
    expect(loader.stepsPerEpoch).toBe(4);
    const seen: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const order: number[] = [];
      for (const batch of loader.epoch(e)) {
        expect(firstPixels(batch.images)).toEqual(Array.from(batch.indices));
        expect(Array.from(batch.labels!.dataSync())).toEqual(
          Array.from(batch.indices, (i) => labels[i]!),
        );
        order.push(...batch.indices);
      }
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      seen.push(order);
    }
    expect(seen[0]).not.toEqual(seen[1]);
  });

  it('makes each batch a pure function of (seed, epoch, step) and resumes mid-epoch', () => {
    const make = () =>
      createBatchLoader(images, {
        batchSize: 4,
        seed: 9,
        indices: [0, 2, 4, 6, 8, 9],
        dropLast: true,
        augment: compose([horizontalFlip(), colorJitter({ brightness: 0.5 })]),
      });
    const a = make();
    expect(a.stepsPerEpoch).toBe(1);
    const b = createBatchLoader(images, {
      batchSize: 2,
      seed: 9,
      augment: colorJitter({ brightness: 0.5 }),
    });
    const later = b.batch(3, 4);
    const earlier = b.batch(1, 0);
    const again = b.batch(3, 4);
    expect(Array.from(again.images.dataSync())).toEqual(Array.from(later.images.dataSync()));
    expect(again.indices).toEqual(later.indices);
    const resumed = [...b.epoch(3, { fromStep: 3 })].length;
    expect(resumed).toBe(2);
    const fresh = make().batch(2, 0);
    const other = a.batch(2, 0);
    expect(Array.from(fresh.images.dataSync())).toEqual(Array.from(other.images.dataSync()));
    expect([...fresh.indices].every((i) => [0, 2, 4, 6, 8, 9].includes(i))).toBe(true);
    tf.dispose([later.images, earlier.images, again.images, fresh.images, other.images]);
  });

  it('keeps order without shuffling, and yields the last partial batch unless dropLast', () => {
    const loader = createBatchLoader(images, { batchSize: 4, seed: 0, shuffle: false });
    const batches = [...loader.epoch(5)].map((b) => Array.from(b.indices));
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('supports multi-view augmentation and disposes what it creates', () => {
    const loader = createBatchLoader(images, {
      batchSize: 4,
      seed: 2,
      augment: makeViews([horizontalFlip({ p: 1 }), colorJitter({ contrast: 0.3 })]),
    });
    const before = tf.memory().numTensors;
    for (const batch of loader.epoch(0)) {
      expect(batch.images).toHaveLength(2);
      expect(batch.images[0]!.shape).toEqual([batch.indices.length, 4, 4, 1]);
    }
    for (const _ of loader.epoch(1)) break; // early exit disposes too
    expect(tf.memory().numTensors).toBe(before);
    const owned = loader.batch(0, 0);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose(owned.images);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates its inputs', () => {
    expect(() => createBatchLoader(images, { batchSize: 0, seed: 0 })).toThrow(ConfigError);
    expect(() => createBatchLoader(images, { batchSize: 11, seed: 0, dropLast: true })).toThrow(
      /no batch/,
    );
    expect(() => createBatchLoader(images, { batchSize: 2, seed: 0, indices: [10] })).toThrow(
      ShapeError,
    );
    expect(() => createBatchLoader(images, { batchSize: 2, seed: 0, labels: [1] })).toThrow(
      /one entry per image/,
    );
    const loader = createBatchLoader(images, { batchSize: 5, seed: 0 });
    expect(() => loader.batch(0, 2)).toThrow(/step in \[0, 2\)/);
    expect(() => loader.batch(-1, 0)).toThrow(ConfigError);
  });
});
