/**
 * `minimize`'s gradient modes: on wasm the default ('auto') runs leanVariableGrads and must give
 * the weights tf.variableGrads gives; an unknown mode is a typed error.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  initBackend,
  type MinimizeOptions,
  minimize,
  minimizeAndReadLoss,
  SGD,
  trainableVariables,
} from '../src/index.js';
import { expectNoTensorLeak } from '../src/testing/index.js';
import { expectRelClose, seeded } from './wasm-helpers.js';

/** conv → BN → ReLU → GAP → dense, seeded. */
function net() {
  const input = tfl.input({ shape: [8, 8, 2] });
  let x = tfl.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
    })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ epsilon: 1e-5 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** A model, its SGD optimiser and a batch; `step(mode)` runs one `minimize`. */
function setup() {
  const model = net();
  const params = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new SGD({ momentum: 0.9 });
  const x = tf.tensor4d(seeded(4 * 8 * 8 * 2, 5), [4, 8, 8, 2]);
  const y = tf.cast(tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3), 'float32');
  const lossFn = () =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  return {
    model,
    step(mode: MinimizeOptions['gradients']) {
      minimize(optimizer, params, lossFn, { learningRate: 0.1, gradients: mode }).dispose();
    },
    dispose() {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** Weights after three SGD steps with `mode`. */
function train(mode: MinimizeOptions['gradients']): Float32Array[] {
  const run = setup();
  for (let step = 0; step < 3; step++) run.step(mode);
  const weights = run.model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  run.dispose();
  return weights;
}

describe('minimize: gradient modes on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm', { logger: null });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it("'auto' (leanVariableGrads on wasm) and 'lean' give the weights of 'tape'", () => {
    const tape = train('tape');
    for (const mode of ['auto', 'lean'] as const) {
      const got = train(mode);
      got.forEach((w, i) => {
        expectRelClose(w, tape[i]!, `${mode} weight ${i}`, 1e-5);
      });
    }
  });

  it("'auto' runs the lean backward pass on wasm (its fused BatchNorm gradient kernel), 'tape' does not", async () => {
    const run = setup();
    const kernelsOf = async (mode: MinimizeOptions['gradients']) =>
      (await tf.profile(() => run.step(mode))).kernelNames;
    expect(await kernelsOf('auto')).toContain('TumorxaiBatchNormGrad');
    expect(await kernelsOf('lean')).toContain('TumorxaiBatchNormGrad');
    expect(await kernelsOf('tape')).not.toContain('TumorxaiBatchNormGrad');
    run.dispose();
  });

  it('leaves variables marked non-trainable alone in every mode, as tf.variableGrads does', () => {
    for (const mode of ['auto', 'lean', 'tape'] as const) {
      const w = tf.variable(tf.scalar(2));
      const frozen = tf.variable(tf.scalar(5), false);
      const optimizer = new SGD({ momentum: 0 });
      minimize(optimizer, [w, frozen], () => tf.mul(w, frozen) as tf.Scalar, {
        learningRate: 0.1,
        gradients: mode,
      }).dispose();
      expect(frozen.dataSync()[0]).toBe(5);
      expect(w.dataSync()[0]).toBeCloseTo(2 - 0.1 * 5, 6);
      optimizer.dispose();
      tf.dispose([w, frozen]);
    }
  });

  it('leaks no tensors', async () => {
    const run = setup();
    await expectNoTensorLeak(() => run.step('auto'), { burnIn: 1, runs: 3 });
    run.dispose();
  });

  it('rejects an unknown mode with a ConfigError', () => {
    const v = tf.variable(tf.scalar(1));
    expect(() =>
      minimize(new SGD(), [v], () => tf.square(v), {
        learningRate: 0.1,
        gradients: 'fast' as MinimizeOptions['gradients'],
      }),
    ).toThrow(ConfigError);
    v.dispose();
  });
});

describe('minimizeAndReadLoss and trainableVariables', () => {
  it('returns the loss as a number, updates the variables and leaks nothing', async () => {
    const a = net();
    const b = net();
    const params = trainableVariables(a, b);
    expect(params.map((p) => p.id)).toEqual(
      [...a.trainableWeights, ...b.trainableWeights].map((w) => w.read().id),
    );
    const v = tf.variable(tf.scalar(3));
    const optimizer = new SGD({ momentum: 0 });
    await expectNoTensorLeak(
      () => {
        const before = v.dataSync()[0]!;
        const loss = minimizeAndReadLoss(optimizer, [v], () => tf.square(v), { learningRate: 0.1 });
        expect(loss).toBeCloseTo(before * before, 5);
        expect(v.dataSync()[0]).toBeCloseTo(before - 0.1 * 2 * before, 5);
      },
      { burnIn: 1, runs: 2 },
    );
    optimizer.dispose();
    tf.dispose([v]);
    a.dispose();
    b.dispose();
  });
});
