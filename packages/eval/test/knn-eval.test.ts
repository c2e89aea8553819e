import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import { knnEval } from '../src/index.js';
import { blobs } from './helpers.js';

describe('knnEval', () => {
  it('matches a hand-computed weighted vote', async () => {
    // Train bank (unit vectors after l2n): two of class 0 near the x axis, one of class 1 on y.
    const bank = tf.tensor2d([
      [1, 0],
      [2, 0.2],
      [0, 3],
    ]);
    const query = tf.tensor2d([[1, 1]]);
    const r = await knnEval({
      numClasses: 2,
      k: 3,
      temperature: 0.5,
      train: { features: bank, labels: [0, 0, 1] },
      test: { features: query, labels: [1] },
      bootstrap: { resamples: 10 },
    });
    const q = [Math.SQRT1_2, Math.SQRT1_2];
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const s = [unit([1, 0]), unit([2, 0.2]), unit([0, 3])].map(
      (b) => b[0]! * q[0]! + b[1]! * q[1]!,
    );
    const w = s.map((v) => Math.exp(v / 0.5));
    const votes = [w[0]! + w[1]!, w[2]!];
    const total = votes[0]! + votes[1]!;
    expect(r.probabilities[0]![0]).toBeCloseTo(votes[0]! / total, 5);
    expect(r.probabilities[0]![1]).toBeCloseTo(votes[1]! / total, 5);
    expect(r.predictions[0]).toBe(0);
    expect(r.report.accuracy).toBe(0);
    // k = 1: only the nearest votes. cos to [1, 0] = 0.707, to [2, 0.2] = 0.774, to [0, 3] =
    // 0.707, so [2, 0.2] — relabelled class 1 here — decides alone.
    const r1 = await knnEval({
      numClasses: 2,
      k: 1,
      train: { features: bank, labels: [0, 1, 1] },
      test: { features: query, labels: [1] },
      bootstrap: { resamples: 10 },
    });
    expect(r1.predictions[0]).toBe(1);
    expect(r1.probabilities[0]![1]).toBeCloseTo(1, 6);
    tf.dispose([bank, query]);
  });

  it('is ~100 % on separable blobs, caps k at the bank size, and records its settings', async () => {
    const train = blobs(4, 5, 8, 2, 1);
    const test = blobs(4, 25, 8, 2, 2);
    const r = await knnEval({
      numClasses: 4,
      train: { features: train.features, labels: train.labels },
      test: { features: test.features, labels: test.labels },
      chunkSize: 7,
    });
    expect(r.report.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(r.settings).toEqual({ k: 20, temperature: 0.07 });
    expect(r.history).toEqual([]);
    expect(r.top5).toBeNull();
    const small = await knnEval({
      numClasses: 4,
      train: { features: train.features, labels: train.labels, indices: [0, 1, 2, 3] },
      test: { features: test.features, labels: test.labels },
      bootstrap: { resamples: 10 },
    });
    expect(small.settings.k).toBe(4);
    tf.dispose([train.features, test.features]);
  });

  it('rejects invalid options', async () => {
    const f = tf.zeros([2, 3]) as tf.Tensor2D;
    const data = { features: f, labels: [0, 1] };
    await expect(knnEval({ numClasses: 2, train: data, test: data, k: 0 })).rejects.toThrow(
      ConfigError,
    );
    await expect(
      knnEval({ numClasses: 2, train: data, test: data, temperature: 0 }),
    ).rejects.toThrow(ConfigError);
    f.dispose();
  });
});
