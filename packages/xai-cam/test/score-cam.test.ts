/**
 * Score-CAM against pytorch-grad-cam (spec §2.9): 512 forward passes per image at layer4 of
 * ResNet-18 and 256 at layer3, so two configurations with one image each (images are independent,
 * spec §1.2) — layer4 / argmax on the 64×64 input, image 1, and layer3 / class 5 on the 64×96
 * input, image 0 — on the wasm backend. Weights ≤ 1e-4 relative (softmax over the channel scores), maps ≤ 1e-3.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resnet18 } from '@tumorxai/backbone-resnet';
import { AbortError, initBackend } from '@tumorxai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScoreCam } from '../src/index.js';
import { imageSlice, loadCamFixture, maxAbs, maxAbsDiff } from './fixtures.js';

beforeAll(async () => {
  await initBackend('wasm', { logger: null });
});

describe('ScoreCam', () => {
  it('resnet18 layer4 argmax, image 1: weights, raw map and final map', () => {
    const fx = loadCamFixture('resnet18');
    const key = 'layer4/argmax/scorecam';
    const image = tf.slice(fx.input, 1, 1);
    const progress: number[] = [];
    const cam = new ScoreCam(fx.model, {
      targetLayer: 'layer4.1',
      batchSize: 64,
      onProgress: (done, total) => progress.push(done / total),
    });
    const details = cam.explainDetailed(image);
    const w = imageSlice(fx.values(`${key}/weights`), 1, 512);
    expect(maxAbsDiff(details.layers[0]!.weights!.dataSync(), w) / maxAbs(w)).toBeLessThan(1e-4);
    const raw = imageSlice(fx.values(`${key}/cam_raw`), 1, 4);
    expect(maxAbsDiff(details.layers[0]!.raw.dataSync(), raw)).toBeLessThanOrEqual(
      1e-4 * maxAbs(raw),
    );
    expect(
      maxAbsDiff(details.cam.dataSync(), imageSlice(fx.values(`${key}/cam`), 1, 64 * 64)),
    ).toBeLessThanOrEqual(1e-3);
    expect(progress).toHaveLength(8);
    expect(progress.at(-1)).toBe(1);
    tf.dispose([details as unknown as tf.TensorContainer, image]);
    fx.dispose();
  });

  it('resnet18_64x96 layer3 class 5, image 0', () => {
    const fx = loadCamFixture('resnet18_64x96');
    const key = 'layer3/class5/scorecam';
    const image = tf.slice(fx.input, 0, 1);
    const cam = new ScoreCam(fx.model, { targetLayer: 'layer3.1', batchSize: 64 });
    const details = cam.explainDetailed(image, { targets: [5] });
    const w = imageSlice(fx.values(`${key}/weights`), 0, 256);
    expect(maxAbsDiff(details.layers[0]!.weights!.dataSync(), w) / maxAbs(w)).toBeLessThan(1e-4);
    const lowRes = imageSlice(fx.values(`${key}/cam_lowres`), 0, 24);
    expect(maxAbsDiff(details.layers[0]!.lowRes.dataSync(), lowRes)).toBeLessThanOrEqual(1e-3);
    const expected = imageSlice(fx.values(`${key}/cam`), 0, 64 * 96);
    expect(maxAbsDiff(details.cam.dataSync(), expected)).toBeLessThanOrEqual(1e-3);
    tf.dispose([details as unknown as tf.TensorContainer, image]);
    fx.dispose();
  });

  it('stops with an AbortError between forward passes, leaking nothing', () => {
    const model = resnet18({
      inputShape: [32, 32, 3],
      widthMultiplier: 1 / 8,
      includeTop: true,
      numClasses: 4,
      seed: 1,
    });
    const controller = new AbortController();
    const cam = new ScoreCam(model, {
      targetLayer: 'layer4.1',
      batchSize: 16,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 32) controller.abort();
      },
    });
    const image = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    expect(() => cam.explain(image, { targets: [3] })).toThrow(AbortError);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
    model.dispose();
  });
});
