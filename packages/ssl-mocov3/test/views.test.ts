import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { mocoV3Views } from '../src/index.js';

/** Smooth grey "slices": a bright disc on a dark background, [N, 32, 32, 1] in [0, 1]. */
function slices(n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = tf.range(0, 32);
    const d2 = tf.add(
      tf.reshape(tf.square(tf.sub(r, 15.5)), [32, 1]),
      tf.reshape(tf.square(tf.sub(r, 13)), [1, 32]),
    );
    const disc = tf.sigmoid(tf.div(tf.sub(100, d2), 20));
    const ramp = tf.reshape(tf.linspace(0.6, 1, n), [n, 1, 1, 1]);
    return tf.mul(tf.reshape(disc, [1, 32, 32, 1]), ramp) as tf.Tensor4D;
  });
}

/** Per image: does `a` differ from `b` anywhere by more than 1e-4? */
function changed(a: tf.Tensor4D, b: tf.Tensor4D): boolean[] {
  return tf.tidy(() =>
    Array.from(tf.max(tf.abs(tf.sub(a, b)), [1, 2, 3]).dataSync(), (d) => d > 1e-4),
  );
}

/**
 * Every op off except blur and solarise: the crop is the whole image; σ ≥ 1 so that every blur
 * is visible (σ = 0.1 is numerically the identity).
 */
const still = { scale: [1, 1], ratio: [1, 1], flipP: 0, jitterP: 0, blurSigma: [1, 2] } as const;

describe('mocoV3Views', () => {
  it('makes two views of the input size by default, in [0, 1], deterministic per rng', () => {
    const images = slices(6);
    const views = mocoV3Views();
    const [a1, a2] = views(images, createRng(3));
    const [b1, b2] = views(images, createRng(3));
    const [c1] = views(images, createRng(4));
    expect(a1!.shape).toEqual([6, 32, 32, 1]);
    expect(a2!.shape).toEqual([6, 32, 32, 1]);
    expect(Array.from(b1!.dataSync())).toEqual(Array.from(a1!.dataSync()));
    expect(Array.from(b2!.dataSync())).toEqual(Array.from(a2!.dataSync()));
    expect(Array.from(a2!.dataSync())).not.toEqual(Array.from(a1!.dataSync()));
    expect(Array.from(c1!.dataSync())).not.toEqual(Array.from(a1!.dataSync()));
    expect(tf.min(a1!).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a2!).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([images, a1!, a2!, b1!, b2!, c1!]);
  });

  it('is asymmetric: view 1 always blurred and never solarised, view 2 rarely blurred, sometimes solarised', () => {
    const n = 200;
    const images = slices(n);
    const [plain] = mocoV3Views({ ...still, blurP: [0, 0], solarizeP: [0, 0] })(
      images,
      createRng(0),
    );
    const [v1, v2] = mocoV3Views(still)(images, createRng(1));
    expect(changed(v1!, plain!).every(Boolean)).toBe(true);
    // P(view 2 changed) = 1 − 0.9·0.8 = 0.28 (blur 0.1, solarise 0.2).
    const count = changed(v2!, plain!).filter(Boolean).length;
    expect(count).toBeGreaterThan(0.18 * n);
    expect(count).toBeLessThan(0.38 * n);
    // Only solarisation, p 1 on view 2: exactly x < 0.5 ? x : 1 − x; view 1 untouched.
    const [s1, s2] = mocoV3Views({ ...still, blurP: [0, 0], solarizeP: [0, 1] })(
      images,
      createRng(2),
    );
    const solarised = tf.tidy(() => tf.where(tf.less(plain!, 0.5), plain!, tf.sub(1, plain!)));
    expect(changed(s1!, plain!).some(Boolean)).toBe(false);
    expect(changed(s2!, solarised as tf.Tensor4D).some(Boolean)).toBe(false);
    tf.dispose([images, plain!, v1!, v2!, s1!, s2!, solarised]);
  });

  it('crops with scale [0.2, 1] and bilinear resampling by default (MoCo v3 ResNet-50 configs)', () => {
    const images = slices(64);
    // A scale range that starts at 1 crops nothing: the default (0.2, 1) must crop most images.
    const [full] = mocoV3Views({
      flipP: 0,
      jitterP: 0,
      blurP: [0, 0],
      solarizeP: [0, 0],
      scale: [1, 1],
      ratio: [1, 1],
    })(images, createRng(5));
    const [cropped] = mocoV3Views({ flipP: 0, jitterP: 0, blurP: [0, 0], solarizeP: [0, 0] })(
      images,
      createRng(5),
    );
    const count = changed(cropped!, full!).filter(Boolean).length;
    expect(count).toBeGreaterThan(0.8 * 64);
    tf.dispose([images, full!, cropped!]);
  });

  it('resizes to `size` and jitters the intensities when asked', () => {
    const images = slices(4);
    const [small] = mocoV3Views({ ...still, size: 16, blurP: [0, 0] })(images, createRng(0));
    expect(small!.shape).toEqual([4, 16, 16, 1]);
    const [jittered] = mocoV3Views({ ...still, size: 16, blurP: [0, 0], jitterP: 1 })(
      images,
      createRng(0),
    );
    expect(changed(jittered!, small!).every(Boolean)).toBe(true);
    tf.dispose([images, small!, jittered!]);
  });

  it('rejects invalid options when created and non-batches when called', () => {
    expect(() => mocoV3Views({ scale: [0.9, 0.1] })).toThrow(ConfigError);
    expect(() => mocoV3Views({ blurP: [1, 2] })).toThrow(ConfigError);
    expect(() => mocoV3Views({ solarizeP: 0.2 as unknown as [number, number] })).toThrow(
      /solarizeP must be a pair/,
    );
    const views = mocoV3Views();
    const flat = tf.zeros([32, 32, 1]) as unknown as tf.Tensor4D;
    expect(() => views(flat, createRng(0))).toThrow(ShapeError);
    flat.dispose();
  });

  it('does not leak', async () => {
    const images = slices(4);
    const views = mocoV3Views({ size: 24 });
    const rng = createRng(1);
    await expectNoTensorLeak(() => views(images, rng), { burnIn: 1, runs: 3 });
    expect(images.isDisposed).toBe(false);
    images.dispose();
  });
});
