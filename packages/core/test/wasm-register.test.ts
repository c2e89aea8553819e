/**
 * Registration of the wasm training kernels: explicit, idempotent, reversible, and done by
 * `initBackend` whenever it selects wasm.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  initBackend,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from '../src/index.js';

const ours = (name: string) =>
  WASM_TRAINING_KERNELS.find((k) => k.name === name)!.func as unknown as tf.KernelFunc;

afterAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('cpu');
});

describe('registerWasmTrainingKernels', () => {
  it('registers every listed kernel for wasm, and only for wasm', () => {
    const names = registerWasmTrainingKernels();
    expect(names).toEqual(WASM_TRAINING_KERNELS.map((k) => k.name));
    expect(names).toContain('Conv2DBackpropFilter');
    for (const k of WASM_TRAINING_KERNELS) {
      expect(tf.getKernel(k.name, 'wasm')?.kernelFunc).toBe(k.func);
      expect(k.reason.length).toBeGreaterThan(10);
    }
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')?.kernelFunc).not.toBe(
      ours('Conv2DBackpropFilter'),
    );
  });

  it('is idempotent (no re-registration, no warning)', () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      registerWasmTrainingKernels();
      registerWasmTrainingKernels();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc).toBe(ours('Tile'));
  });

  it('unregisterWasmTrainingKernels restores the stock kernels', () => {
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Tile', 'wasm')).toBeDefined();
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc).not.toBe(ours('Tile'));
    unregisterWasmTrainingKernels(); // idempotent too
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(
      ours('Conv2DBackpropFilter'),
    );
  });

  it('initBackend registers them when it selects wasm, explicitly or by auto', async () => {
    unregisterWasmTrainingKernels();
    expect(await initBackend('wasm', { logger: null })).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(
      ours('Conv2DBackpropFilter'),
    );
    unregisterWasmTrainingKernels();
    expect(await initBackend('auto', { logger: null })).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    // A convolution now trains on wasm.
    const w = tf.variable(tf.ones([3, 3, 2, 4]));
    const x = tf.ones([1, 5, 5, 2]);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')),
      [w],
    );
    expect(Array.from(grads[w.name]!.dataSync()).slice(0, 2)).toEqual([16, 16]);
    tf.dispose([w, x, grads]);
  });
});
