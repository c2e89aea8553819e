import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { dinoViews } from '../src/index.js';

/** A bright disc on a dark background, like a head on air. */
function discs(n: number, side: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = tf.range(0, side);
    const d = tf.add(
      tf.square(tf.sub(tf.reshape(r, [side, 1]), side / 2)),
      tf.square(tf.sub(r, side / 2)),
    );
    const disc = tf.cast(tf.less(d, (side / 2.5) ** 2), 'float32');
    return tf.mul(
      tf.reshape(disc, [1, side, side, 1]),
      tf.reshape(tf.linspace(0.5, 1, n), [n, 1, 1, 1]),
    ) as tf.Tensor4D;
  });
}

describe('dinoViews', () => {
  it('returns 2 global crops at the input size and 8 local crops at 96/224 of it by default', () => {
    const images = discs(3, 32);
    const views = dinoViews()(images, createRng(0));
    expect(views.map((v) => v.shape)).toEqual([
      [3, 32, 32, 1],
      [3, 32, 32, 1],
      ...new Array(8).fill([3, 14, 14, 1]),
    ]);
    for (const v of views) {
      const [lo, hi] = [tf.min(v), tf.max(v)].map((t) => {
        const x = t.dataSync()[0]!;
        t.dispose();
        return x;
      });
      expect(lo).toBeGreaterThanOrEqual(-1e-5);
      expect(hi).toBeLessThanOrEqual(1 + 1e-5);
    }
    tf.dispose([images, ...views]);
  });

  it('honours the sizes and the number of local crops, and is deterministic in the generator', () => {
    const images = discs(2, 24);
    const make = dinoViews({
      globalSize: 20,
      localSize: 10,
      localCrops: 3,
      interpolation: 'bilinear',
    });
    const a = make(images, createRng(1));
    const b = make(images, createRng(1));
    const c = make(images, createRng(2));
    expect(a.map((v) => v.shape[1])).toEqual([20, 20, 10, 10, 10]);
    a.forEach((v, i) => {
      expect(Array.from(v.dataSync())).toEqual(Array.from(b[i]!.dataSync()));
    });
    expect(Array.from(a[0]!.dataSync())).not.toEqual(Array.from(c[0]!.dataSync()));
    expect(dinoViews({ localCrops: 0 })(images, createRng(0))).toHaveLength(2);
    tf.dispose([images, ...a, ...b, ...c]);
  });

  it('keeps local crops off the background with the MRI default scales', () => {
    // A local crop of ≥ 10 % of the image always overlaps the central disc (radius 0.4 of the
    // side); crops of 1–3 % (a lowered minimum scale) often land on air.
    const images = discs(16, 40);
    const emptyFraction = (localScale?: readonly [number, number]) => {
      const views = dinoViews({
        globalSize: 40,
        localSize: 16,
        localCrops: 6,
        localScale,
        jitterP: 0,
      })(images, createRng(3));
      const empty = tf.tidy(
        () =>
          tf
            .mean(
              tf.cast(tf.less(tf.max(tf.concat(views.slice(2), 0), [1, 2, 3]), 0.05), 'float32'),
            )
            .dataSync()[0]!,
      );
      tf.dispose(views);
      return empty;
    };
    expect(emptyFraction()).toBe(0);
    expect(emptyFraction([0.01, 0.03])).toBeGreaterThan(0.1);
    images.dispose();
  });

  it('rejects bad options when created and bad batches when called; does not leak', async () => {
    expect(() => dinoViews({ localCrops: -1 })).toThrow(ConfigError);
    expect(() => dinoViews({ globalSize: 0 })).toThrow(/globalSize/);
    expect(() => dinoViews({ globalScale: [0.5, 0.2] })).toThrow(ConfigError);
    const make = dinoViews({ localCrops: 2 });
    expect(() => make(tf.zeros([8, 8, 1]) as unknown as tf.Tensor4D, createRng(0))).toThrow(
      ShapeError,
    );
    const images = discs(2, 16);
    await expectNoTensorLeak(() => make(images, createRng(0)), { runs: 2 });
    images.dispose();
  });
});
