/**
 * useWasmThreads: the threaded-SIMD wasm build in Node through Emscripten's own hooks, with the
 * requested pool size, the same results as the cpu backend, and an event loop that can exit.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendError,
  ConfigError,
  initBackend,
  leanVariableGrads,
  useWasmThreads,
} from '../src/index.js';
import { expectRelClose, onBackend, seeded } from './wasm-helpers.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('useWasmThreads', () => {
  it('rejects thread counts outside 1..8', async () => {
    await expect(useWasmThreads({ threads: 0 })).rejects.toThrow(ConfigError);
    await expect(useWasmThreads({ threads: 1.5 })).rejects.toThrow(ConfigError);
  });

  it('starts the threaded build with 2 threads; convolutions and gradients match cpu', async () => {
    expect(await useWasmThreads({ threads: 2 })).toBe(2);
    expect(await initBackend('wasm', { logger: null })).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
    const run = () => {
      const x = tf.tensor4d(seeded(2 * 12 * 12 * 8, 1), [2, 12, 12, 8]);
      const w = tf.variable(tf.tensor4d(seeded(3 * 3 * 8 * 16, 2), [3, 3, 8, 16]));
      const { value, grads } = leanVariableGrads(
        () => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, 2, 'same'))),
        [w],
      );
      const out = [value, grads[w.name]!];
      w.dispose();
      return out;
    };
    const [refLoss, refGrad] = await onBackend('cpu', run);
    const [loss, grad] = await onBackend('wasm', run);
    expectRelClose(loss!, refLoss!, 'loss');
    expectRelClose(grad!, refGrad!, 'dW');
  });

  it('refuses to swap the build once wasm has started', async () => {
    await expect(useWasmThreads({ threads: 2 })).rejects.toThrow(BackendError);
  });
});
