import * as tf from '@tensorflow/tfjs-core';
import { createResNet } from '@tumorxai/backbone-resnet';
import { AbortError, createRng, initBackend } from '@tumorxai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachClassifier,
  cloneModel,
  extractFeatures,
  fineTune,
  knnEval,
  trainSupervised,
} from '../src/index.js';

/** Two easy classes of 16×16 grey images: a bright square on the left or on the right. */
function squares(n: number, seed: number) {
  const rng = createRng(seed);
  const values = new Float32Array(n * 16 * 16);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels[i] = label;
    const x0 = label === 0 ? rng.int(0, 4) : rng.int(9, 12);
    const y0 = rng.int(2, 10);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const inside = x >= x0 && x < x0 + 4 && y >= y0 && y < y0 + 4;
        values[i * 256 + y * 16 + x] = (inside ? 0.9 : 0.1) + rng.normal(0, 0.05);
      }
    }
  }
  return { images: tf.tensor4d(values, [n, 16, 16, 1]), labels };
}

const tiny = (seed: number) =>
  createResNet({ depth: 18, inputShape: [16, 16, 1], widthMultiplier: 1 / 8, seed });

describe('protocols on a tiny ResNet', () => {
  let data: ReturnType<typeof squares>;
  let backbone: ReturnType<typeof tiny>;
  beforeAll(async () => {
    await initBackend('wasm', { logger: null }); // 10–20× faster than cpu for convolutions
    data = squares(96, 0);
    backbone = tiny(1);
  });
  afterAll(() => {
    data.images.dispose();
    backbone.dispose();
  });
  const train = () => ({
    images: data.images,
    labels: data.labels,
    indices: Array.from({ length: 64 }, (_, i) => i),
  });
  const test = () => ({
    images: data.images,
    labels: data.labels,
    indices: Array.from({ length: 32 }, (_, i) => 64 + i),
  });

  it('extractFeatures: inference-mode BN, batched, subset order, no state change', async () => {
    const weightsBefore = backbone.getWeights().map((w) => Array.from(w.dataSync()));
    const all = await extractFeatures(backbone, data.images, { batchSize: 7 });
    expect(all.shape).toEqual([96, 64]);
    const direct = backbone.predict(data.images) as tf.Tensor2D;
    expect(Math.max(...tf.abs(tf.sub(all, direct)).dataSync())).toBeLessThan(1e-5);
    const subset = await extractFeatures(backbone, { images: data.images, indices: [5, 2] });
    const expected = tf.gather(direct, [5, 2]);
    expect(Math.max(...tf.abs(tf.sub(subset, expected)).dataSync())).toBeLessThan(1e-5);
    // BN running statistics untouched.
    backbone.getWeights().forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(weightsBefore[i]);
    });
    tf.dispose([all, direct, subset, expected]);
  });

  it('cloneModel copies weights into independent variables', async () => {
    const copy = await cloneModel(backbone);
    const a = backbone.predict(data.images) as tf.Tensor;
    const b = copy.predict(data.images) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    copy.getWeights()[0]!.dataSync(); // readable
    const w0 = copy.trainableWeights[0]!.read() as tf.Variable;
    w0.assign(tf.zerosLike(w0));
    expect(Math.max(...tf.abs(backbone.trainableWeights[0]!.read()).dataSync())).toBeGreaterThan(0);
    copy.dispose();
    tf.dispose([a, b]);
  });

  it('fineTune trains a copy end to end and learns the task', async () => {
    const before = backbone.getWeights().map((w) => Array.from(w.dataSync()));
    const result = await fineTune({
      backbone,
      numClasses: 2,
      train: train(),
      test: test(),
      epochs: 10,
      batchSize: 16,
      learningRate: 2,
      augment: null,
      bootstrap: { resamples: 50 },
    });
    expect(result.protocol).toBe('fine-tune');
    expect(result.history).toHaveLength(10);
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(result.model.getLayer('fc').outputShape).toEqual([null, 2]);
    backbone.getWeights().forEach((w, i) => {
      expect(Array.from(w.dataSync())).toEqual(before[i]);
    });
    result.model.dispose();
  });

  it('trainSupervised trains a fresh network with crop + flip and frees it on abort', async () => {
    const fresh = tiny(2);
    const result = await trainSupervised({
      backbone: fresh,
      numClasses: 2,
      train: train(),
      test: test(),
      epochs: 2,
      batchSize: 16,
      bootstrap: { resamples: 20 },
    });
    expect(result.protocol).toBe('supervised');
    expect(result.settings).toMatchObject({ weightDecay: 1e-4, augment: true, epochs: 2 });
    result.model.dispose();
    const count = tf.memory().numTensors;
    const controller = new AbortController();
    controller.abort();
    await expect(
      trainSupervised({
        backbone: fresh,
        numClasses: 2,
        train: train(),
        test: test(),
        signal: controller.signal,
      }),
    ).rejects.toThrow(AbortError);
    expect(tf.memory().numTensors).toBe(count);
    fresh.dispose();
  });

  it('attachClassifier shares the backbone layers and loads a head', async () => {
    const head = { weight: tf.ones([64, 3]) as tf.Tensor2D, bias: tf.tensor1d([0, 1, 2]) };
    const model = attachClassifier(backbone, 3, { head });
    const features = backbone.predict(data.images) as tf.Tensor2D;
    const logits = model.predict(data.images) as tf.Tensor2D;
    const expected = tf.add(tf.matMul(features, head.weight), head.bias);
    expect(Math.max(...tf.abs(tf.sub(logits, expected)).dataSync())).toBeLessThan(1e-4);
    expect(model.getLayer('layer4.1')).toBe(backbone.getLayer('layer4.1'));
    model.getLayer('fc').dispose();
    tf.dispose([head.weight, head.bias, features, logits, expected]);
  });

  it('leaves no tensors behind (leak test of every protocol)', async () => {
    const before = tf.memory().numTensors;
    const features = await extractFeatures(backbone, data.images);
    const knn = await knnEval({
      backbone,
      numClasses: 2,
      train: train(),
      test: test(),
      bootstrap: { resamples: 5 },
    });
    expect(knn.report.n).toBe(32);
    const tuned = await fineTune({
      backbone,
      numClasses: 2,
      train: train(),
      test: test(),
      epochs: 1,
      batchSize: 16,
      bootstrap: { resamples: 5 },
    });
    tuned.model.dispose();
    features.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
