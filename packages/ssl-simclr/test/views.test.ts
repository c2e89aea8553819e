import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { simclrViews } from '../src/index.js';

/** A smooth grey "slice": a bright disc on a dark background, [N, 32, 32, 1] in [0, 1]. */
function slices(n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = tf.range(0, 32);
    const d2 = tf.add(
      tf.reshape(tf.square(tf.sub(r, 15.5)), [32, 1]),
      tf.reshape(tf.square(tf.sub(r, 15.5)), [1, 32]),
    );
    const disc = tf.sigmoid(tf.div(tf.sub(100, d2), 20));
    const ramp = tf.reshape(tf.linspace(0.5, 1, n), [n, 1, 1, 1]);
    return tf.mul(tf.reshape(disc, [1, 32, 32, 1]), ramp) as tf.Tensor4D;
  });
}

describe('simclrViews', () => {
  it('makes two independent views of the input size by default, in [0, 1], deterministic per rng', () => {
    const images = slices(6);
    const views = simclrViews();
    const [a1, a2] = views(images, createRng(3));
    const [b1, b2] = views(images, createRng(3));
    const [c1] = views(images, createRng(4));
    expect(a1!.shape).toEqual([6, 32, 32, 1]);
    expect(Array.from(b1!.dataSync())).toEqual(Array.from(a1!.dataSync()));
    expect(Array.from(b2!.dataSync())).toEqual(Array.from(a2!.dataSync()));
    expect(Array.from(a2!.dataSync())).not.toEqual(Array.from(a1!.dataSync()));
    expect(Array.from(c1!.dataSync())).not.toEqual(Array.from(a1!.dataSync()));
    expect(tf.min(a1!).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a1!).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([images, a1!, a2!, b1!, b2!, c1!]);
  });

  it('resizes to `size` and applies every op when its probability is 1', () => {
    const images = slices(4);
    const identity = simclrViews({
      size: 16,
      scale: [1, 1],
      ratio: [1, 1],
      flipP: 0,
      jitterP: 0,
      blurP: 0,
    });
    const [plain] = identity(images, createRng(0));
    expect(plain!.shape).toEqual([4, 16, 16, 1]);
    const strong = simclrViews({
      size: 16,
      scale: [1, 1],
      ratio: [1, 1],
      flipP: 0,
      jitterP: 1,
      blurP: 1,
    });
    const [changed] = strong(images, createRng(0));
    const diff = tf.max(tf.abs(tf.sub(changed!, plain!))).dataSync()[0]!;
    expect(diff).toBeGreaterThan(0.01);
    tf.dispose([images, plain!, changed!]);
  });

  it('rejects invalid options when created and non-batches when called', () => {
    expect(() => simclrViews({ scale: [0.9, 0.1] })).toThrow(ConfigError);
    expect(() => simclrViews({ blurP: 2 })).toThrow(ConfigError);
    const views = simclrViews();
    const flat = tf.zeros([32, 32, 1]) as unknown as tf.Tensor4D;
    expect(() => views(flat, createRng(0))).toThrow(ShapeError);
    flat.dispose();
  });

  it('does not leak', async () => {
    const images = slices(4);
    const views = simclrViews({ size: 24 });
    const rng = createRng(1);
    await expectNoTensorLeak(() => views(images, rng), { burnIn: 1, runs: 3 });
    images.dispose();
  });
});
