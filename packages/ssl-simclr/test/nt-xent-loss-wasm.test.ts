/**
 * The NT-Xent checks again on the wasm backend (the one pretraining runs on): tfjs-backend-wasm
 * differs from cpu in places (its float32 OneHot is broken), so the loss is verified on both.
 */
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tumorxai/core';
import { fixturePath, loadJsonFixture } from '@tumorxai/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ntXentLoss } from '../src/index.js';

interface NtXentCase {
  z1: number[][];
  z2: number[][];
  tau: number;
  expected: { loss: number };
}

describe('ntXentLoss on wasm', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it.each(readdirSync(fixturePath('ssl')).filter((f) => /^simclr_.*\.json$/.test(f)))(
    'matches fixtures/ssl/%s',
    (file) => {
      const c = loadJsonFixture<NtXentCase>(`ssl/${file}`);
      const z1 = tf.tensor2d(c.z1);
      const z2 = tf.tensor2d(c.z2);
      const loss = ntXentLoss(z1, z2, { temperature: c.tau });
      const got = loss.dataSync()[0]!;
      expect(Math.abs(got - c.expected.loss)).toBeLessThanOrEqual(1e-5 + 1e-5 * c.expected.loss);
      tf.dispose([z1, z2, loss]);
    },
  );

  it('gives 0 for batch 1 and matches the cpu gradient', async () => {
    const a = tf.tensor2d([[0.3, -1.2, 0.5]]);
    const b = tf.tensor2d([[1.1, 0.4, -0.7]]);
    const one = ntXentLoss(a, b);
    expect(one.dataSync()[0]).toBe(0);
    const z1 = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    const z2 = tf.randomNormal([5, 7], 0, 1, 'float32', 2) as tf.Tensor2D;
    const values = [Array.from(z1.dataSync()), Array.from(z2.dataSync())];
    const gradOn = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor2d(values[0]!, [5, 7]);
      const y = tf.tensor2d(values[1]!, [5, 7]);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        ntXentLoss(p as tf.Tensor2D, q as tf.Tensor2D, { temperature: 0.1 }),
      )([x, y]);
      const out = g.flatMap((t) => Array.from(t.dataSync()));
      tf.dispose([x, y, ...g]);
      return out;
    };
    const wasm = await gradOn('wasm');
    const cpu = await gradOn('cpu');
    await tf.setBackend('wasm');
    wasm.forEach((v, i) => {
      expect(Math.abs(v - cpu[i]!)).toBeLessThan(1e-5);
    });
    tf.dispose([a, b, one, z1, z2]);
  });
});
