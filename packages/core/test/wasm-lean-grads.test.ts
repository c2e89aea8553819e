/**
 * leanVariableGrads: same values as tf.variableGrads, memory freed during the backward pass,
 * fused rules on wasm, typed errors, no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  leanVariableGrads,
  registerWasmTrainingKernels,
  ShapeError,
} from '../src/index.js';
import { expectNoTensorLeak } from '../src/testing/index.js';
import { seeded } from './wasm-helpers.js';

/** conv → BN → ReLU → max-pool → conv → BN → ReLU → GAP → dense, like a ResNet stem. */
function smallNet(size: number) {
  const input = tfl.input({ shape: [size, size, 3] });
  let x = tfl.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
    })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ epsilon: 1e-5 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      useBias: true,
      kernelInitializer: tfl.initializers.heNormal({ seed: 2 }),
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.batchNormalization({ epsilon: 1e-5 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }) })
    .apply(x);
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

const SIZE = 12;
const images = seeded(4 * SIZE * SIZE * 3, 5);

function setup() {
  const model = smallNet(SIZE);
  const x = tf.tensor4d(images, [4, SIZE, SIZE, 3]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const dispose = () => {
    tf.dispose([x, y]);
    model.dispose();
  };
  return { model, vars, loss, dispose };
}

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('leanVariableGrads', () => {
  it('gives exactly tf.variableGrads on cpu (no fused rules there)', async () => {
    await tf.setBackend('cpu');
    const { vars, loss, dispose } = setup();
    const ref = tf.variableGrads(loss, vars);
    const got = leanVariableGrads(loss, vars);
    expect(got.value.dataSync()[0]).toBe(ref.value.dataSync()[0]);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(ref.grads).sort());
    for (const v of vars) {
      expect(Array.from(got.grads[v.name]!.dataSync())).toEqual(
        Array.from(ref.grads[v.name]!.dataSync()),
      );
    }
    tf.dispose([ref.value, ref.grads, got.value, got.grads]);
    dispose();
  });

  it('runs the fused BatchNorm, ReLU and conv rules on wasm, and no Tile/Step', async () => {
    await tf.setBackend('wasm');
    const { vars, loss, dispose } = setup();
    const names = new Set<string>();
    const profile = await tf.profile(() => {
      const { value, grads } = leanVariableGrads(loss, vars);
      tf.dispose([value, grads]);
    });
    for (const k of profile.kernels) names.add(k.name);
    expect(names).toContain('TumorxaiBatchNormGrad');
    expect(names).toContain('TumorxaiReluGrad');
    expect(names).toContain('Conv2DBackpropFilter');
    // The first convolution's input is the image: its input gradient is not computed.
    expect(profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput')).toHaveLength(1);
    for (const stale of ['Tile', 'Step']) {
      expect(
        profile.kernels.filter((k) => k.name === stale && k.inputShapes[0]?.length === 4),
      ).toEqual([]);
    }
    dispose();
  });

  it('frees saved tensors and gradients during the backward pass (lower peak than tfjs)', async () => {
    await tf.setBackend('wasm');
    const { vars, loss, dispose } = setup();
    const peak = async (fn: typeof leanVariableGrads) =>
      (
        await tf.profile(() => {
          const { value, grads } = fn(loss, vars);
          tf.dispose([value, grads]);
        })
      ).peakBytes;
    const stock = await peak((f, v) => tf.variableGrads(f, v));
    const lean = await peak(leanVariableGrads);
    expect(lean).toBeLessThan(0.75 * stock);
    dispose();
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('wasm');
    const { vars, loss, dispose } = setup();
    await expectNoTensorLeak(() => leanVariableGrads(loss, vars), { burnIn: 1, runs: 3 });
    dispose();
  });

  it('defaults to every trainable variable and skips those the loss does not use', async () => {
    await tf.setBackend('wasm');
    const a = tf.variable(tf.scalar(3), true, 'lean_a');
    const b = tf.variable(tf.scalar(5), true, 'lean_b');
    const frozen = tf.variable(tf.scalar(7), false, 'lean_frozen');
    const { value, grads } = leanVariableGrads(() => tf.mul(tf.mul(a, a), frozen) as tf.Scalar);
    expect(value.dataSync()[0]).toBe(63);
    expect(grads.lean_a!.dataSync()[0]).toBe(42);
    expect(grads.lean_b).toBeUndefined();
    expect(grads.lean_frozen).toBeUndefined();
    tf.dispose([value, grads, a, b, frozen]);
  });

  it('falls back to tf.variableGrads inside another gradient (higher order)', async () => {
    await tf.setBackend('cpu');
    const v = tf.variable(tf.scalar(2));
    const second = tf.grad((x: tf.Tensor) => {
      const { value, grads } = leanVariableGrads(() => tf.mul(tf.mul(v, x), x) as tf.Scalar, [v]);
      value.dispose();
      return grads[v.name]! as tf.Scalar; // d/dv = x², d/dx of that = 2x
    })(tf.scalar(3));
    expect(second.dataSync()[0]).toBe(6);
    tf.dispose([v, second]);
  });

  it('throws typed errors and leaves the tape clean', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.ones([3]));
    const before = tf.memory().numTensors;
    expect(() => leanVariableGrads(() => tf.mul(v, 2) as unknown as tf.Scalar, [v])).toThrow(
      ShapeError,
    );
    expect(() => leanVariableGrads(() => tf.scalar(1), [v])).toThrow(ConfigError);
    expect(() => leanVariableGrads(() => tf.sum(v), [])).toThrow(ConfigError);
    expect(() =>
      leanVariableGrads(() => {
        throw new Error('boom');
      }, [v]),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    // The engine is usable afterwards.
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(v, v)), [v]);
    expect(Array.from(grads[v.name]!.dataSync())).toEqual([2, 2, 2]);
    tf.dispose([value, grads, v]);
  });
});
