/**
 * The explainer contract on tiny ResNets (cpu backend): errors, targets, per-image independence,
 * several layers, the caller's model left untouched, and tensor bookkeeping.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { resnet18 } from '@tumorxai/backbone-resnet';
import { ConfigError, DisposedError, ShapeError } from '@tumorxai/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classTarget,
  EigenCam,
  GradCam,
  GradCamPlusPlus,
  LayerCam,
  ScoreCam,
  softmaxTarget,
} from '../src/index.js';
import { maxAbsDiff } from './fixtures.js';

function tinyResNet(seed = 7): tfl.LayersModel {
  return resnet18({
    inputShape: [32, 32, 3],
    widthMultiplier: 1 / 8,
    includeTop: true,
    numClasses: 5,
    seed,
  });
}

const model = tinyResNet();
const images = tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
afterAll(() => {
  model.dispose();
  images.dispose();
});

describe('constructor and explain errors', () => {
  it('a wrong layer name lists the valid block outputs', () => {
    let error: unknown;
    try {
      new GradCam(model, { targetLayer: 'layer5.0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^GradCam: model "[^"]+" has no layer "layer5\.0"/);
    expect(message).toContain(
      'layer1.0, layer1.1, layer2.0, layer2.1, layer3.0, layer3.1, layer4.0, layer4.1',
    );
    expect(message).toContain('conv1');
  });

  it('rejects a missing targetLayer and a layer without spatial axes', () => {
    expect(() => new GradCam(model, {} as never)).toThrow(/targetLayer is required/);
    expect(() => new GradCam(model, { targetLayer: 'fc' })).toThrow(/no spatial axes/);
  });

  it('targets of a length other than 1 or the batch size are a ShapeError (never silently zero maps)', () => {
    const cam = new GradCam(model, { targetLayer: 'layer4.1' });
    expect(() => cam.explain(images, { targets: [1, 2] })).toThrow(ShapeError);
    expect(() => cam.explain(images, { targets: [1, 2] })).toThrow(
      /length 1 or 3 \(the batch size\)/,
    );
    expect(() => cam.explain(images, { targets: [] })).toThrow(ShapeError);
    expect(() => cam.explain(images, { targets: [9] })).toThrow(/class 9 does not exist/);
  });

  it('rejects images without a batch axis and calls after dispose()', () => {
    const cam = new GradCam(model, { targetLayer: 'layer4.1' });
    expect(() => cam.explain(tf.zeros([32, 32]))).toThrow(ShapeError);
    cam.dispose();
    expect(() => cam.explain(images)).toThrow(DisposedError);
  });
});

describe('targets', () => {
  const cam = new GradCamPlusPlus(model, { targetLayer: 'layer3.1' });

  it('each image is explained for its own target, independently of the others', () => {
    const batch = cam.explain(images, { targets: [0, 3, 1] });
    [0, 3, 1].forEach((target, b) => {
      const single = tf.tidy(() => cam.explain(tf.slice(images, b, 1), { targets: [target] }));
      const row = tf.tidy(() => tf.slice(batch, b, 1));
      expect(maxAbsDiff(single.dataSync(), row.dataSync())).toBeLessThan(1e-5);
      tf.dispose([single, row]);
    });
    batch.dispose();
  });

  it('one target is broadcast to every image (unlike pytorch-grad-cam, where images 1..N−1 get zero maps)', () => {
    const broadcast = cam.explain(images, { targets: [2] });
    const explicit = cam.explain(images, { targets: [2, 2, 2] });
    const callable = cam.explain(images, { targets: [classTarget(2)] });
    expect(maxAbsDiff(broadcast.dataSync(), explicit.dataSync())).toBe(0);
    expect(maxAbsDiff(broadcast.dataSync(), callable.dataSync())).toBe(0);
    const perImageMax = tf.tidy(() => tf.max(broadcast, [1, 2]).dataSync());
    for (const m of perImageMax) expect(m).toBeGreaterThan(0.99);
    tf.dispose([broadcast, explicit, callable]);
  });

  it('the default target is the argmax class of each image', () => {
    const argmax = tf.tidy(() =>
      Array.from(tf.argMax(model.predict(images) as tf.Tensor, -1).dataSync()),
    );
    const byDefault = cam.explain(images);
    const explicit = cam.explain(images, { targets: argmax });
    expect(maxAbsDiff(byDefault.dataSync(), explicit.dataSync())).toBe(0);
    tf.dispose([byDefault, explicit]);
  });

  it('softmaxTarget differs from the raw logit (ClassifierOutputSoftmaxTarget)', () => {
    const logit = cam.explain(images, { targets: [1] });
    const prob = cam.explain(images, { targets: [softmaxTarget(1)] });
    expect(maxAbsDiff(logit.dataSync(), prob.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([logit, prob]);
  });
});

describe('several layers', () => {
  it('explain averages the per-layer maps and renormalises; explainLayers equals single-layer explainers', () => {
    const both = new LayerCam(model, { targetLayer: ['layer3.1', 'layer4.1'] });
    const perLayer = both.explainLayers(images, { targets: [1] });
    expect(Object.keys(perLayer)).toEqual(['layer3.1', 'layer4.1']);
    for (const layer of ['layer3.1', 'layer4.1']) {
      const single = new LayerCam(model, { targetLayer: layer }).explain(images, { targets: [1] });
      expect(maxAbsDiff(single.dataSync(), perLayer[layer]!.dataSync())).toBeLessThan(1e-6);
      single.dispose();
    }
    const combined = both.explain(images, { targets: [1] });
    const expected = tf.tidy(() => {
      const mean = tf.div(tf.add(perLayer['layer3.1']!, perLayer['layer4.1']!), 2);
      const shifted = tf.sub(mean, tf.min(mean, [1, 2], true));
      return tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7));
    });
    expect(maxAbsDiff(combined.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
    tf.dispose([combined, expected, perLayer]);
  });
});

describe("the caller's model", () => {
  it('is not changed: same nodes, weights, outputs and layer.output', () => {
    const fresh = tinyResNet(3);
    const nodes = fresh.layers.map((l) => l.inboundNodes.length);
    const weights = fresh.getWeights().map((w) => w.dataSync().slice());
    const before = tf.tidy(() => (fresh.predict(images) as tf.Tensor).dataSync());
    for (const Method of [GradCam, EigenCam]) {
      const cam = new Method(fresh, { targetLayer: ['layer2.1', 'layer4.1'] });
      tf.dispose([cam.explain(images), cam.explain(images, { augSmooth: true })]);
      cam.dispose();
    }
    tf.dispose(
      new ScoreCam(fresh, { targetLayer: 'layer4.1', batchSize: 8 }).explain(
        tf.slice(images, 0, 1),
      ),
    );
    expect(fresh.layers.map((l) => l.inboundNodes.length)).toEqual(nodes);
    fresh.getWeights().forEach((w, i) => {
      expect(maxAbsDiff(w.dataSync(), weights[i]!)).toBe(0);
    });
    const after = tf.tidy(() => (fresh.predict(images) as tf.Tensor).dataSync());
    expect(maxAbsDiff(after, before)).toBe(0);
    expect(() => fresh.getLayer('layer4.1').output).not.toThrow();
    expect(fresh.trainable).toBe(true);
    fresh.dispose();
  });
});

describe('tensor bookkeeping', () => {
  it('100 explain calls keep the tensor count flat; dispose() returns to the baseline', () => {
    const baseline = tf.memory().numTensors;
    const cam = new GradCam(model, { targetLayer: 'layer4.1' });
    cam.explain(images).dispose();
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) cam.explain(images, { targets: [i % 5] }).dispose();
    expect(tf.memory().numTensors).toBe(warm);
    cam.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('no method leaks, with every option', () => {
    const image = tf.slice(images, 0, 1);
    const baseline = tf.memory().numTensors;
    const explainers = [
      new GradCam(model, { targetLayer: ['layer3.1', 'layer4.1'] }),
      new EigenCam(model, { targetLayer: 'layer4.1' }),
      new ScoreCam(model, { targetLayer: 'layer4.1', batchSize: 32 }),
    ];
    for (const cam of explainers) {
      const all = [{}, { eigenSmooth: true }, { augSmooth: true }, { targets: [softmaxTarget(1)] }];
      for (const options of cam instanceof ScoreCam ? all.slice(0, 2) : all) {
        cam.explain(image, options).dispose();
        tf.dispose(cam.explainLayers(image, options));
        if (!('augSmooth' in options))
          tf.dispose(cam.explainDetailed(image, options) as unknown as tf.TensorContainer);
      }
      expect(() => cam.explain(image, { targets: [1, 2] })).toThrow(ShapeError);
      cam.dispose();
    }
    expect(tf.memory().numTensors).toBe(baseline);
    image.dispose();
  });
});
