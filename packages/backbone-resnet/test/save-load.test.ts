import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystem } from '@tumorxai/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFeatureExtractor,
  exportTorchvisionWeights,
  listBlockOutputs,
  resnet50,
} from '../src/index.js';

describe('Keras-format save / load through core’s fileSystem IOHandler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backbone-resnet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads with the torchvision layer names (dots included) and identical outputs', async () => {
    const model = resnet50({
      inputShape: [32, 32, 1],
      widthMultiplier: 1 / 16,
      includeTop: true,
      numClasses: 4,
      seed: 3,
    });
    // Non-default BN statistics, so that a lost moving_mean / moving_variance would show.
    const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 4);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    await model.save(fileSystem(dir));

    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weightNames = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(weightNames).toContain('layer1.0.downsample.0/kernel');
    expect(weightNames).toContain('layer4.2.bn3/moving_variance');

    // The reloaded model is built while the first one exists: tfjs uniquifies its variables'
    // names (conv1/kernel_1, …) but matches saved weights by their original names.
    const reloaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(reloaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(listBlockOutputs(reloaded)).toEqual(listBlockOutputs(model));
    expect(reloaded.getLayer('bn1').getConfig()).toMatchObject({ epsilon: 1e-5, momentum: 0.9 });
    const [a, b] = tf.tidy(() => [model.predict(x) as tf.Tensor, reloaded.predict(x) as tf.Tensor]);
    expect(b!.dataSync()).toEqual(a!.dataSync());
    const [fa, fb] = tf.tidy(() => [
      createFeatureExtractor(model).predict(x) as tf.Tensor,
      createFeatureExtractor(reloaded).predict(x) as tf.Tensor,
    ]);
    expect(fb!.shape).toEqual([2, 1, 1, 128]);
    expect(fb!.dataSync()).toEqual(fa!.dataSync());
    expect(exportTorchvisionWeights(reloaded)).toEqual(exportTorchvisionWeights(model));
    tf.dispose([x, a!, b!, fa!, fb!]);
    model.dispose();
    reloaded.dispose();
  });
});
