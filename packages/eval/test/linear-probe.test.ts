import * as tf from '@tensorflow/tfjs-core';
import { AbortError, ConfigError, ShapeError } from '@tumorxai/core';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeHead, linearLogits, linearProbe, trainLinearClassifier } from '../src/index.js';
import { blobs } from './helpers.js';

describe('linearProbe on features', () => {
  const train = blobs(5, 40, 16, 1, 10);
  const test = blobs(5, 20, 16, 1, 20); // same centres, new noise
  afterAll(() => tf.dispose([train.features, test.features]));

  it('reaches ~100 % on separable synthetic features, with intervals and history', async () => {
    const result = await linearProbe({
      numClasses: 5,
      train: { features: train.features, labels: train.labels },
      test: { features: test.features, labels: test.labels },
      epochs: 30,
      batchSize: 32,
      learningRate: 1,
      bootstrap: { resamples: 200, seed: 3 },
    });
    expect(result.protocol).toBe('linear-probe');
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(result.report.macro.f1).toBeGreaterThanOrEqual(0.99);
    expect(result.intervals.accuracy.lower).toBeLessThanOrEqual(result.report.accuracy);
    expect(result.intervals.accuracy.upper).toBeGreaterThanOrEqual(result.report.accuracy);
    expect(result.history).toHaveLength(30);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss / 4);
    expect(result.history.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(result.trainSize).toBe(200);
    expect(result.top5).toBe(1);
    expect(result.settings).toMatchObject({ epochs: 30, batchSize: 32, learningRate: 0.125 });
    // The head works on raw features: the standardisation is folded into it.
    const logits = linearLogits(result.head, test.features);
    const argmax = tf.argMax(logits, 1);
    expect(Array.from(argmax.dataSync())).toEqual(Array.from(result.predictions));
    tf.dispose([logits, argmax]);
    disposeHead(result.head);
  });

  it('is deterministic for a seed', async () => {
    const opts = { epochs: 3, batchSize: 50, seed: 7, standardize: false } as const;
    const a = await trainLinearClassifier(train.features, train.labels, 5, opts);
    const b = await trainLinearClassifier(train.features, train.labels, 5, opts);
    expect(Array.from(a.head.weight.dataSync())).toEqual(Array.from(b.head.weight.dataSync()));
    disposeHead(a.head);
    disposeHead(b.head);
  });

  it('trains with LARS too', async () => {
    const result = await linearProbe({
      numClasses: 5,
      train: { features: train.features, labels: train.labels },
      test: { features: test.features, labels: test.labels },
      optimizer: 'lars',
      epochs: 20,
      batchSize: 32,
      learningRate: 20,
      bootstrap: { resamples: 10 },
    });
    expect(result.settings.optimizer).toBe('lars');
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0.95);
    disposeHead(result.head);
  });

  it('selects rows with indices', async () => {
    const idx = Int32Array.from({ length: 100 }, (_, i) => i * 2);
    const result = await linearProbe({
      numClasses: 5,
      train: { features: train.features, labels: train.labels, indices: idx },
      test: { features: test.features, labels: test.labels, indices: [0, 1, 2, 3, 4] },
      epochs: 2,
      bootstrap: { resamples: 10 },
    });
    expect(result.trainSize).toBe(100);
    expect(Array.from(result.labels)).toEqual([0, 1, 2, 3, 4]);
    disposeHead(result.head);
  });

  it('rejects bad input with typed errors', async () => {
    const base = {
      numClasses: 5,
      train: { features: train.features, labels: train.labels },
      test: { features: test.features, labels: test.labels },
    };
    await expect(
      linearProbe({ ...base, train: { features: train.features, labels: [0, 1] } }),
    ).rejects.toThrow(ShapeError);
    await expect(linearProbe({ ...base, numClasses: 3 })).rejects.toThrow(
      /labels\[\d+\] is not a class id/,
    );
    await expect(linearProbe({ ...base, epochs: 0 })).rejects.toThrow(ConfigError);
    await expect(
      linearProbe({
        ...base,
        train: { images: tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, labels: [0] },
      }),
    ).rejects.toThrow(/without a backbone/);
  });

  it('stops on an AbortSignal', async () => {
    const controller = new AbortController();
    const run = linearProbe({
      numClasses: 5,
      train: { features: train.features, labels: train.labels },
      test: { features: test.features, labels: test.labels },
      epochs: 1000,
      batchSize: 8,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 10) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(AbortError);
  });
});
