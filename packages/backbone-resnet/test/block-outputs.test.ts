import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import {
  assertResNetInput,
  createFeatureExtractor,
  defaultCamLayer,
  listBlockOutputs,
  listStageOutputs,
  resnet18,
  resnet50,
} from '../src/index.js';

const tiny = { inputShape: [32, 32, 3], widthMultiplier: 1 / 8 } as const;

describe('block outputs', () => {
  it('lists layer{i}.{j} in forward order; the CAM layer is the last (layer4[-1])', () => {
    const r18 = resnet18({ ...tiny });
    expect(listBlockOutputs(r18)).toEqual([
      'layer1.0',
      'layer1.1',
      'layer2.0',
      'layer2.1',
      'layer3.0',
      'layer3.1',
      'layer4.0',
      'layer4.1',
    ]);
    expect(listStageOutputs(r18)).toEqual(['layer1.1', 'layer2.1', 'layer3.1', 'layer4.1']);
    expect(defaultCamLayer(r18)).toBe('layer4.1');
    const r50 = resnet50({ ...tiny });
    expect(listBlockOutputs(r50)).toHaveLength(16);
    expect(listStageOutputs(r50)).toEqual(['layer1.2', 'layer2.3', 'layer3.5', 'layer4.2']);
    expect(defaultCamLayer(r50)).toBe('layer4.2');
    // A block output is the ReLU after the residual add.
    expect(r50.getLayer('layer4.2').getConfig().activation).toBe('relu');
    expect(r50.getLayer('layer4.2').inboundNodes[0]!.inboundLayers[0]!.name).toBe('layer4.2.add');
    r18.dispose();
    r50.dispose();
  });

  it('createFeatureExtractor returns the named maps, shares weights, and leaks nothing', async () => {
    const model = resnet18({ ...tiny, seed: 1 });
    const extractor = createFeatureExtractor(model, { layers: ['layer3.1', 'layer4.1'] });
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 2);
    const [c4, c5] = extractor.predict(x) as tf.Tensor[];
    expect(c4!.shape).toEqual([2, 2, 2, 32]);
    expect(c5!.shape).toEqual([2, 1, 1, 64]);
    // Global average pooling of layer4.1 is the backbone's output.
    const pooled = tf.mean(c5!, [1, 2]);
    const features = model.predict(x) as tf.Tensor;
    expect(pooled.dataSync()).toEqual(features.dataSync());
    expect(extractor.getLayer('conv1')).toBe(model.getLayer('conv1'));
    const single = createFeatureExtractor(model); // default: the CAM layer
    expect(single.outputs.map((o) => o.shape)).toEqual([[null, 1, 1, 64]]);
    await expectNoTensorLeak(() => extractor.predict(x), { burnIn: 1, runs: 3 });
    tf.dispose([x, c4!, c5!, pooled, features]);
    // Disposing the extractor frees nothing: the backbone keeps working.
    const before = tf.memory().numTensors;
    expect(extractor.dispose().numDisposedVariables).toBe(0);
    single.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(tf.tidy(() => model.predict(tf.zeros([1, 32, 32, 3])) as tf.Tensor));
    expect(model.dispose().numDisposedVariables).toBeGreaterThan(0);
  });

  it('a wrong layer name lists the valid ones', () => {
    const model = resnet18({ ...tiny });
    expect(() => createFeatureExtractor(model, { layers: ['layer4.2'] })).toThrow(ConfigError);
    expect(() => createFeatureExtractor(model, { layers: ['layer4.2'] })).toThrow(
      /has no layer "layer4\.2"\. Expected a block output \(layer1\.0, layer1\.1, .*layer4\.1\) or another layer \(input, conv1\.pad, conv1, bn1, relu, /,
    );
    expect(() => createFeatureExtractor(model, { layers: [] })).toThrow(/non-empty array/);
    const plain = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    expect(listBlockOutputs(plain)).toEqual([]);
    expect(() => defaultCamLayer(plain)).toThrow(/has no block outputs named layer\{i\}\.\{j\}/);
    model.dispose();
    plain.dispose();
  });
});

describe('assertResNetInput', () => {
  const grey = resnet18({ inputShape: [32, 32, 1], widthMultiplier: 1 / 8 });
  const anySize = resnet18({ inputShape: [null, null, 3], widthMultiplier: 1 / 8 });
  const check = (model: tfl.LayersModel, shape: number[]) => () => {
    const x = tf.zeros(shape);
    try {
      assertResNetInput(model, x, 'GradCam.explain');
    } finally {
      x.dispose();
    }
  };

  it('accepts fitting batches, any size when H and W are null', () => {
    expect(check(grey, [2, 32, 32, 1])).not.toThrow();
    expect(check(anySize, [1, 64, 96, 3])).not.toThrow();
  });

  it('names the likely mistake in a ShapeError', () => {
    expect(check(grey, [32, 32, 1])).toThrow(ShapeError);
    expect(check(grey, [32, 32, 1])).toThrow(
      /^GradCam\.explain: images must be a rank-4 batch\. Expected \[batch, 32, 32, 1\] \(NHWC\), got \[32,32,1\]\. Add the batch axis/,
    );
    expect(check(grey, [2, 1, 32, 32])).toThrow(
      /looks NCHW: transpose it with tf\.transpose\(images, \[0, 2, 3, 1\]\)/,
    );
    expect(check(grey, [2, 32, 32, 3])).toThrow(
      /3 channels but the model takes 1.*Convert the images to grey/,
    );
    expect(check(grey, [2, 64, 64, 1])).toThrow(
      /64×64 but the model takes 32×32.*inputShape \[null, null, 1\]/,
    );
    expect(check(anySize, [2, 64, 64, 1])).toThrow(/1 channels but the model takes 3/);
  });

  it('documents what tfjs itself does at predict time: an untyped ValueError naming the shape', () => {
    const x = tf.zeros([2, 32, 32, 3]);
    expect(() => grey.predict(x)).toThrow(
      /expected input to have shape \[null,32,32,1\] but got array with shape \[2,32,32,3\]/,
    );
    x.dispose();
  });
});
