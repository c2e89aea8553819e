import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import {
  createResNet,
  type ResNetDepth,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
} from '../src/index.js';

function trainableCount(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

describe('createResNet', () => {
  it('has torchvision’s trainable parameter counts with 1000 classes (input size does not matter)', () => {
    // torchvision: sum(p.numel() for p in resnetN().parameters()); BN moving stats are buffers.
    const expected: Array<[ResNetDepth, number, typeof resnet18]> = [
      [18, 11_689_512, resnet18],
      [34, 21_797_672, resnet34],
      [50, 25_557_032, resnet50],
      [101, 44_549_160, resnet101],
      [152, 60_192_808, resnet152],
    ];
    for (const [depth, count, preset] of expected) {
      const model = preset({ inputShape: [32, 32, 3], includeTop: true, seed: depth });
      expect(model.name).toBe(`resnet${depth}`);
      expect(trainableCount(model), `resnet${depth}`).toBe(count);
      model.dispose();
    }
  });

  it('names layers like torchvision state_dict prefixes and blocks layer{i}.{j}', () => {
    const model = createResNet({
      depth: 50,
      inputShape: [64, 64, 1],
      widthMultiplier: 1 / 8,
      seed: 0,
    });
    const names = model.layers.map((l) => l.name);
    for (const n of [
      'conv1',
      'bn1',
      'maxpool',
      'layer1.0.conv1',
      'layer1.0.downsample.0',
      'layer1.0.downsample.1',
      'layer4.2.bn3',
      'layer4.2',
      'avgpool',
    ]) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('fc');
    // ResNet-50 has a downsample in block 0 of every stage, including layer1 (64 → 256 channels).
    expect(names.filter((n) => n.endsWith('.downsample.0'))).toEqual([
      'layer1.0.downsample.0',
      'layer2.0.downsample.0',
      'layer3.0.downsample.0',
      'layer4.0.downsample.0',
    ]);
    // v1.5: the stride sits on the 3×3 conv2, not on conv1.
    const strides = (name: string) => (model.getLayer(name).getConfig().strides as number[])[0];
    expect(strides('layer2.0.conv1')).toBe(1);
    expect(strides('layer2.0.conv2')).toBe(2);
    expect(model.outputs[0]!.shape).toEqual([null, 256]);
    model.dispose();
  });

  it('has no downsample in ResNet-18 layer1 and no conv bias; BN eps 1e-5, Keras momentum 0.9', () => {
    const model = resnet18({
      inputShape: [32, 32, 3],
      widthMultiplier: 1 / 8,
      includeTop: true,
      numClasses: 5,
    });
    const names = model.layers.map((l) => l.name);
    expect(names.filter((n) => n.endsWith('.downsample.0'))).toEqual([
      'layer2.0.downsample.0',
      'layer3.0.downsample.0',
      'layer4.0.downsample.0',
    ]);
    for (const layer of model.layers) {
      const config = layer.getConfig();
      if (layer.getClassName() === 'Conv2D') expect(config.useBias).toBe(false);
      if (layer.getClassName() === 'BatchNormalization') {
        expect(config.epsilon).toBe(1e-5);
        expect(config.momentum).toBe(0.9);
      }
    }
    expect(model.outputs[0]!.shape).toEqual([null, 5]);
    model.dispose();
    // Height and width are not swapped: 64×96 → layer4 2×3.
    const wide = resnet18({ inputShape: [64, 96, 1], widthMultiplier: 1 / 8 });
    expect(wide.getLayer('layer3.1').outputShape).toEqual([null, 4, 6, 32]);
    expect(wide.getLayer('layer4.1').outputShape).toEqual([null, 2, 3, 64]);
    wide.dispose();
  });

  it('is deterministic for a seed and draws conv kernels from N(0, 2/fan_out)', () => {
    const options = { depth: 18, inputShape: [32, 32, 3], widthMultiplier: 1 / 2 } as const;
    const a = createResNet({ ...options, seed: 7 });
    const b = createResNet({ ...options, seed: 7 });
    const c = createResNet({ ...options, seed: 8 });
    const w = (m: typeof a, name: string) => m.getLayer(name).getWeights()[0]!.dataSync();
    expect(w(a, 'layer3.0.conv1')).toEqual(w(b, 'layer3.0.conv1'));
    expect(w(a, 'layer3.0.conv1')).not.toEqual(w(c, 'layer3.0.conv1'));
    // layer4.0.conv2 at width 1/2: 3·3·256·256 values, fan_out = 3·3·256 → std √(2/2304).
    const values = w(a, 'layer4.0.conv2');
    let sum = 0;
    let sq = 0;
    let beyond2Sigma = 0;
    const std = Math.sqrt(2 / (9 * 256));
    for (const v of values) {
      sum += v;
      sq += v * v;
      if (Math.abs(v) > 2 * std) beyond2Sigma++;
    }
    const n = values.length;
    expect(Math.abs(sum / n)).toBeLessThan(0.01 * std);
    expect(Math.sqrt(sq / n - (sum / n) ** 2) / std).toBeCloseTo(1, 2);
    // Untruncated: ~4.55 % of a normal lies beyond 2σ (a 2σ-truncated normal has none).
    expect(beyond2Sigma / n).toBeGreaterThan(0.04);
    for (const m of [a, b, c]) m.dispose();
  });

  it('zeroInitResidual zeroes the last BN γ of every block', () => {
    const model = resnet50({
      inputShape: [32, 32, 3],
      widthMultiplier: 1 / 8,
      zeroInitResidual: true,
    });
    expect(tf.max(tf.abs(model.getLayer('layer2.1.bn3').getWeights()[0]!)).dataSync()[0]).toBe(0);
    expect(tf.min(model.getLayer('layer2.1.bn2').getWeights()[0]!).dataSync()[0]).toBe(1);
    model.dispose();
  });

  it('rejects bad options with typed errors that say what to do', () => {
    const bad = (options: unknown) => () => createResNet(options as never);
    expect(bad({ depth: 20 })).toThrow(ConfigError);
    expect(bad({ depth: 20 })).toThrow(/Expected one of 18, 34, 50, 101, 152, got 20/);
    expect(bad({ depth: 18, widthMultiplier: 0 })).toThrow(ConfigError);
    expect(bad({ depth: 18, widthMultiplier: Number.NaN })).toThrow(/widthMultiplier/);
    expect(bad({ depth: 18, numClasses: 0 })).toThrow(ConfigError);
    expect(bad({ depth: 18, inputShape: [1, 64, 64, 3] })).toThrow(ShapeError);
    expect(bad({ depth: 18, inputShape: [3, 64] })).toThrow(/channels last/);
    expect(bad({ depth: 18, inputShape: [64, 64, 0] })).toThrow(ShapeError);
  });
});
