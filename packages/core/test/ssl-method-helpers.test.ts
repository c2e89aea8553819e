/**
 * The helpers the two-view momentum methods share: stop-gradient, input checks, the learning
 * rate of a step and the online networks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  buildOnlineNetworks,
  ConfigError,
  checkEmbeddings,
  checkMomentumAndClip,
  checkTwoViews,
  createMlpHead,
  methodLearningRate,
  ShapeError,
  stopGradient,
} from '../src/index.js';
import { expectNoTensorLeak } from '../src/testing/index.js';

function backbone(dim: number): tfl.LayersModel {
  const input = tfl.input({ shape: [4, 4, 1] });
  const x = tfl.layers.globalAveragePooling2d({}).apply(input) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: dim }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('stopGradient', () => {
  it('passes values and blocks the gradient', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.add(tf.mul(t, t), stopGradient(tf.mul(t, t)))));
    const dx = g(x);
    expect(Array.from(dx.dataSync())).toEqual([2, 4, 6]); // only the first t² contributes
    expect(Array.from(stopGradient(x).dataSync())).toEqual([1, 2, 3]);
    tf.dispose([x, dx]);
  });
});

describe('checks', () => {
  it('checkEmbeddings wants non-empty [N, D] tensors of one shape', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => checkEmbeddings('f', { a, b: a })).not.toThrow();
    expect(() => checkEmbeddings('f', { a, b })).toThrow(ShapeError);
    expect(() => checkEmbeddings('f', { a: tf.zeros([0, 3]) })).toThrow(ShapeError);
    tf.dispose([a, b]);
  });

  it('checkTwoViews wants two views of one batch size', () => {
    const v = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.zeros([3, 4, 4, 1]) as tf.Tensor4D;
    expect(checkTwoViews('f', [v, v])).toEqual([v, v]);
    expect(() => checkTwoViews('f', [v, w])).toThrow(ShapeError);
    expect(() => checkTwoViews('f', [v])).toThrow(ShapeError);
    tf.dispose([v, w]);
  });

  it('checkMomentumAndClip wants momentum in [0, 1] and a positive clip norm', () => {
    expect(() => checkMomentumAndClip('f', 0.99, 1)).not.toThrow();
    expect(() => checkMomentumAndClip('f', 1.5, undefined)).toThrow(ConfigError);
    expect(() => checkMomentumAndClip('f', 0.9, 0)).toThrow(ConfigError);
  });
});

describe('methodLearningRate', () => {
  const context = { step: 5, totalSteps: 100, stepsPerEpoch: 10 };
  it("takes the context's rate, then the setting, then the linearly scaled warm-up cosine", () => {
    expect(methodLearningRate(0.1, { ...context, learningRate: 7 }, 256, 0.2)).toBe(7);
    expect(methodLearningRate(0.1, context, 256, 0.2)).toBe(0.1);
    expect(methodLearningRate((s, t, b) => s + t + b, context, 64, 0.2)).toBe(169);
    // Warm-up over min(10 epochs, 10 % of the run) = 10 steps, base 0.2·512/256 = 0.4.
    expect(methodLearningRate(undefined, context, 512, 0.2)).toBeCloseTo(0.2, 6);
    expect(methodLearningRate(undefined, { ...context, step: 100 }, 512, 0.2)).toBeCloseTo(0, 6);
  });
});

describe('buildOnlineNetworks', () => {
  const make = {
    projector: (d: number) => createMlpHead({ inputDim: d, hiddenDims: [8], outputDim: 4 }),
    predictor: (k: number) => createMlpHead({ inputDim: k, hiddenDims: [8], outputDim: k }),
  };

  it('builds chained default heads and the momentum copy of backbone + projector', async () => {
    const f = backbone(6);
    await expectNoTensorLeak(
      () => {
        const nets = buildOnlineNetworks('f', { backbone: f }, make);
        expect(nets.projectionHead.outputs[0]!.shape).toEqual([null, 4]);
        expect(nets.predictionHead.outputs[0]!.shape).toEqual([null, 4]);
        expect(nets.momentum.networks).toHaveLength(2);
        expect(nets.ownsProjector && nets.ownsPredictor).toBe(true);
        nets.projectionHead.dispose();
        nets.predictionHead.dispose();
        nets.momentum.dispose();
      },
      { burnIn: 1, runs: 2 },
    );
    f.dispose();
  });

  it('rejects heads that do not chain and frees the default head it made', () => {
    const f = backbone(6);
    const before = tf.memory().numTensors;
    const wrong = createMlpHead({ inputDim: 4, hiddenDims: [8], outputDim: 3 });
    const afterWrong = tf.memory().numTensors;
    expect(() => buildOnlineNetworks('f', { backbone: f, predictionHead: wrong }, make)).toThrow(
      ShapeError,
    );
    expect(tf.memory().numTensors).toBe(afterWrong);
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });
});
