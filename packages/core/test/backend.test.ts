import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError, ConfigError, initBackend } from '../src/index.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  it("'auto' without tfjs-node skips the native backends, says why, and picks wasm", async () => {
    const messages: string[] = [];
    const name = await initBackend('auto', { logger: { info: (m: string) => messages.push(m) } });
    expect(name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(
      messages.some((m) => m.includes('node-gpu') && m.includes('@tensorflow/tfjs-node-gpu')),
    ).toBe(true);
    expect(messages.some((m) => m.includes('skipped node:'))).toBe(true);
  });

  it('activates an explicit, installed backend', async () => {
    expect(await initBackend('cpu', { logger: null })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const selected: string[] = [];
    await initBackend('wasm', { logger: null, onSelected: (n) => void selected.push(n) });
    expect(selected).toEqual(['wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('throws a typed error saying how to install a missing backend', async () => {
    const error = await initBackend('node', { logger: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe('E_BACKEND');
    expect((error as Error).message).toMatch(/npm install @tensorflow\/tfjs-node/);
  });

  it('rejects unknown backends', async () => {
    // @ts-expect-error testing a bad value
    await expect(initBackend('tpu')).rejects.toThrow(ConfigError);
  });
});
