import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, ConfigError, createMlpHead, type MlpHeadOptions } from '../src/index.js';
import { expectNoTensorLeak } from '../src/testing/index.js';

const names = (ws: tfl.LayerVariable[]) => ws.map((w) => w.originalName);

describe('createMlpHead', () => {
  it('builds the heads of the spec with the right shapes and parameters', () => {
    const x = tf.randomNormal([6, 32], 0, 1, 'float32', 1);
    const cases: Array<[MlpHeadOptions, number]> = [
      // SimCLR (lightly): Linear(no bias)+BN+ReLU, Linear(no bias)+BN(affine).
      [{ inputDim: 32, hiddenDims: [32], outputDim: 8, lastBatchNorm: 'affine' }, 2 + 4],
      // SimCLR official: last BN γ only.
      [{ inputDim: 32, hiddenDims: [32, 32], outputDim: 8, lastBatchNorm: 'scale' }, 3 + 5],
      // BYOL: biases kept, no BN at the end.
      [{ inputDim: 32, hiddenDims: [64], outputDim: 16, bias: true }, 4 + 2],
      // MoCo v3 projector: no bias anywhere, last BN without γ and β.
      [
        {
          inputDim: 32,
          hiddenDims: [64],
          outputDim: 16,
          lastBatchNorm: 'no-affine',
          bias: false,
        },
        2 + 2,
      ],
      // DINO MLP: no BN, GELU, biases.
      [
        {
          inputDim: 32,
          hiddenDims: [16, 16],
          outputDim: 8,
          batchNorm: false,
          activation: 'gelu',
        },
        6,
      ],
    ];
    for (const [options, trainableCount] of cases) {
      const head = createMlpHead({ ...options, seed: 3 });
      const y = head.apply(x, { training: true }) as tf.Tensor;
      expect(y.shape).toEqual([6, options.outputDim]);
      expect(head.trainableWeights.length).toBe(trainableCount);
      y.dispose();
      head.dispose();
    }
    x.dispose();
  });

  it("drops the bias before BN ('auto'), keeps it otherwise, and honours lastBatchNorm", () => {
    const affine = createMlpHead({
      inputDim: 4,
      hiddenDims: [5],
      outputDim: 3,
      lastBatchNorm: 'affine',
    });
    expect(names(affine.trainableWeights)).toEqual([
      'mlp_head_linear0/kernel',
      'mlp_head_bn0/gamma',
      'mlp_head_bn0/beta',
      'mlp_head_linear1/kernel',
      'mlp_head_bn1/gamma',
      'mlp_head_bn1/beta',
    ]);
    const scale = createMlpHead({ inputDim: 4, outputDim: 3, lastBatchNorm: 'scale', name: 's' });
    expect(names(scale.trainableWeights)).toEqual(['s_linear0/kernel', 's_bn0/gamma']);
    expect(names(scale.nonTrainableWeights)).toEqual([
      's_bn0/moving_mean',
      's_bn0/moving_variance',
    ]);
    const none = createMlpHead({
      inputDim: 4,
      outputDim: 3,
      lastBatchNorm: 'no-affine',
      name: 'n',
    });
    expect(names(none.trainableWeights)).toEqual(['n_linear0/kernel']);
    const plain = createMlpHead({ inputDim: 4, outputDim: 3, name: 'p' });
    expect(names(plain.trainableWeights)).toEqual(['p_linear0/kernel', 'p_linear0/bias']);
    tf.dispose([affine, scale, none, plain].flatMap((m) => m.weights.map((w) => w.read())));
  });

  it('uses PyTorch BN settings (eps 1e-5, momentum 0.1) and batch statistics in training mode', () => {
    for (const lastBatchNorm of ['affine', 'scale', 'no-affine'] as const) {
      const head = createMlpHead({ inputDim: 8, outputDim: 4, lastBatchNorm, seed: 5 });
      const bn = head.getLayer('mlp_head_bn0');
      const config = bn.getConfig();
      expect(config.epsilon).toBe(1e-5);
      expect(config.momentum).toBeCloseTo(0.9, 12);
      const x = tf.add(tf.mul(tf.randomNormal([16, 8], 0, 1, 'float32', 2), 3), 1);
      const y = head.apply(x, { training: true }) as tf.Tensor2D;
      const { mean, variance } = tf.moments(y, 0);
      expect(Math.max(...(tf.abs(mean).dataSync() as Float32Array))).toBeLessThan(1e-5);
      // γ = 1 at init, so the biased batch variance is var/(var+eps) ≈ 1.
      expect(Math.max(...(tf.abs(tf.sub(variance, 1)).dataSync() as Float32Array))).toBeLessThan(
        1e-3,
      );
      // Moving statistics moved by 10 % towards the batch statistics.
      const movingMean = bn.weights.find((w) => w.originalName.includes('moving_mean'))?.read();
      expect(movingMean).toBeDefined();
      const pre = tf.matMul(x, head.getLayer('mlp_head_linear0').getWeights()[0]!);
      const expected = tf.mul(tf.mean(pre, 0), 0.1);
      expect(tf.max(tf.abs(tf.sub(movingMean!, expected))).dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([x, y, mean, variance, pre, expected]);
      head.dispose();
    }
  });

  it('uses the exact erf GELU and PyTorch Linear initialisation, reproducibly with a seed', () => {
    const head = createMlpHead({
      inputDim: 1,
      hiddenDims: [1],
      outputDim: 1,
      batchNorm: false,
      activation: 'gelu',
    });
    head.getLayer('mlp_head_linear0').setWeights([tf.ones([1, 1]), tf.zeros([1])]);
    head.getLayer('mlp_head_linear1').setWeights([tf.ones([1, 1]), tf.zeros([1])]);
    const inputs = [-2, -1, -0.5, 0.5, 1, 2, 3];
    const exact = [
      -0.04550026389635842, -0.15865525393145707, -0.15426876936299344, 0.34573123063700656,
      0.8413447460685429, 1.9544997361036416, 2.99595030590511,
    ];
    const y = head.predict(tf.tensor2d(inputs, [7, 1])) as tf.Tensor;
    const got = y.dataSync();
    // The tanh approximation differs from these by up to 1.5e-4.
    exact.forEach((e, i) => {
      expect(Math.abs(got[i]! - e)).toBeLessThan(2e-6);
    });
    y.dispose();
    head.dispose();

    const a = createMlpHead({
      inputDim: 64,
      hiddenDims: [32],
      outputDim: 8,
      batchNorm: false,
      seed: 9,
    });
    const b = createMlpHead({
      inputDim: 64,
      hiddenDims: [32],
      outputDim: 8,
      batchNorm: false,
      seed: 9,
    });
    const [kernel, bias] = a.getLayer('mlp_head_linear0').getWeights();
    const limit = 1 / Math.sqrt(64);
    expect(tf.max(tf.abs(kernel!)).dataSync()[0]).toBeLessThanOrEqual(limit);
    expect(tf.max(tf.abs(kernel!)).dataSync()[0]).toBeGreaterThan(0.9 * limit);
    expect(tf.max(tf.abs(bias!)).dataSync()[0]).toBeLessThanOrEqual(limit);
    a.weights.forEach((w, i) => {
      expect(Array.from(w.read().dataSync())).toEqual(Array.from(b.weights[i]!.read().dataSync()));
    });
    a.dispose();
    b.dispose();
  });

  it('round-trips through its config (the custom BN is registered)', () => {
    const head = createMlpHead({
      inputDim: 4,
      hiddenDims: [4],
      outputDim: 2,
      lastBatchNorm: 'scale',
    });
    const Ctor = head.constructor as unknown as {
      fromConfig(cls: unknown, config: unknown): tfl.LayersModel;
    };
    const copy = Ctor.fromConfig(Ctor, head.getConfig());
    expect(copy.getLayer('mlp_head_bn1')).toBeInstanceOf(BatchNorm1d);
    expect(names(copy.trainableWeights)).toEqual(names(head.trainableWeights));
    head.dispose();
    copy.dispose();
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => createMlpHead({ inputDim: 0, outputDim: 2 })).toThrow(ConfigError);
    expect(() => createMlpHead({ inputDim: 2, hiddenDims: [1.5], outputDim: 2 })).toThrow(
      /hiddenDims\[0\]/,
    );
    expect(() =>
      createMlpHead({ inputDim: 2, outputDim: 2, lastBatchNorm: 'gamma' as 'scale' }),
    ).toThrow(/lastBatchNorm/);
    expect(() =>
      createMlpHead({ inputDim: 2, outputDim: 2, activation: 'tanh' as 'relu' }),
    ).toThrow(/activation/);
  });

  it('does not leak in training-mode forward and backward passes, and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const head = createMlpHead({
      inputDim: 8,
      hiddenDims: [8],
      outputDim: 4,
      lastBatchNorm: 'scale',
    });
    const x = tf.randomNormal([4, 8]);
    const vars = head.trainableWeights.map((w) => w.read() as tf.Variable);
    await expectNoTensorLeak(
      () =>
        tf.variableGrads(
          () => tf.sum(head.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          vars,
        ),
      { burnIn: 1, runs: 3 },
    );
    x.dispose();
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
