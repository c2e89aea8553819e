import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' Node bundle registers tfjs-core's gradient functions (tfjs-core's own does not).
import '@tensorflow/tfjs-layers';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak, fixturePath, loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { mocoV3ContrastiveLoss, mocoV3Loss } from '../src/index.js';

interface MoCoCase {
  q1: number[][];
  q2: number[][];
  k1: number[][];
  k2: number[][];
  tau: number;
  description: string;
  expected: { loss: number; loss_q1k2: number; loss_q2k1: number };
}

type M = number[][];

const l2n = (m: M) =>
  m.map((r) => {
    const norm = Math.max(Math.hypot(...r), 1e-12);
    return r.map((v) => v / norm);
  });

/** Plain float64 transliteration of the official `contrastive_loss` (spec §4c). */
function referenceCtr(q: M, k: M, tau: number): number {
  const a = l2n(q);
  const b = l2n(k);
  let total = 0;
  a.forEach((qi, i) => {
    const logits = b.map((kj) => kj.reduce((acc, v, d) => acc + v * qi[d]!, 0) / tau);
    const max = Math.max(...logits);
    const lse = max + Math.log(logits.reduce((acc, v) => acc + Math.exp(v - max), 0));
    total += lse - logits[i]!;
  });
  return ((2 * tau) / a.length) * total;
}
const referenceLoss = (q1: M, q2: M, k1: M, k2: M, tau: number) =>
  referenceCtr(q1, k2, tau) + referenceCtr(q2, k1, tau);

const randomMatrix = (rng: ReturnType<typeof createRng>, n: number, d: number): M =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

function lossOf(q1: M, q2: M, k1: M, k2: M, temperature: number): number {
  const ts = [q1, q2, k1, k2].map((m) => tf.tensor2d(m)) as tf.Tensor2D[];
  const v = value(mocoV3Loss(ts[0]!, ts[1]!, ts[2]!, ts[3]!, { temperature }));
  tf.dispose(ts);
  return v;
}

const tolerance = (expected: number) => 1e-5 + 1e-5 * Math.abs(expected);

describe('mocoV3Loss', () => {
  const files = readdirSync(fixturePath('ssl')).filter((f) => /^mocov3_.*\.json$/.test(f));

  it('finds the mocov3 fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('matches fixtures/ssl/%s (loss and both directions)', (file) => {
    const c = loadJsonFixture<MoCoCase>(`ssl/${file}`);
    const [q1, q2, k1, k2] = [c.q1, c.q2, c.k1, c.k2].map((m) => tf.tensor2d(m)) as tf.Tensor2D[];
    const temperature = c.tau;
    const got = value(mocoV3Loss(q1!, q2!, k1!, k2!, { temperature }));
    const l12 = value(mocoV3ContrastiveLoss(q1!, k2!, { temperature }));
    const l21 = value(mocoV3ContrastiveLoss(q2!, k1!, { temperature }));
    expect(Math.abs(got - c.expected.loss)).toBeLessThanOrEqual(tolerance(c.expected.loss));
    expect(Math.abs(l12 - c.expected.loss_q1k2)).toBeLessThanOrEqual(
      tolerance(c.expected.loss_q1k2),
    );
    expect(Math.abs(l21 - c.expected.loss_q2k1)).toBeLessThanOrEqual(
      tolerance(c.expected.loss_q2k1),
    );
    expect(Math.abs(referenceLoss(c.q1, c.q2, c.k1, c.k2, c.tau) - c.expected.loss)).toBeLessThan(
      1e-12,
    );
    tf.dispose([q1!, q2!, k1!, k2!]);
  });

  it('defaults to τ = 1 (ResNet-50)', () => {
    const c = loadJsonFixture<MoCoCase>('ssl/mocov3_01.json');
    expect(c.tau).toBe(1);
    const [q1, q2, k1, k2] = [c.q1, c.q2, c.k1, c.k2].map((m) => tf.tensor2d(m)) as tf.Tensor2D[];
    const got = value(mocoV3Loss(q1!, q2!, k1!, k2!));
    expect(Math.abs(got - c.expected.loss)).toBeLessThanOrEqual(tolerance(c.expected.loss));
    tf.dispose([q1!, q2!, k1!, k2!]);
  });

  it('gives exactly 0 for batch 1 and 2·2τ·log N for identical keys', () => {
    const rng = createRng(3);
    for (const tau of [0.2, 1, 5]) {
      const [a, b, c, d] = [0, 1, 2, 3].map(() => randomMatrix(rng, 1, 8));
      expect(lossOf(a!, b!, c!, d!, tau)).toBe(0);
      for (const n of [2, 8]) {
        const q = randomMatrix(rng, n, 8);
        const k = Array.from({ length: n }, () => [1, 2, 3, 4, 5, 6, 7, 8]);
        const expected = 2 * 2 * tau * Math.log(n);
        expect(Math.abs(lossOf(q, q, k, k, tau) - expected)).toBeLessThanOrEqual(
          tolerance(expected),
        );
      }
    }
  });

  it('matches the float64 reference over a grid of (N, D, τ), stably for a tiny τ', () => {
    const rng = createRng(7);
    for (const n of [1, 2, 5, 17]) {
      for (const d of [1, 3, 32]) {
        for (const tau of [0.1, 0.2, 1, 10]) {
          const [q1, q2, k1, k2] = [0, 1, 2, 3].map(() => randomMatrix(rng, n, d));
          const expected = referenceLoss(q1!, q2!, k1!, k2!, tau);
          expect(Math.abs(lossOf(q1!, q2!, k1!, k2!, tau) - expected)).toBeLessThanOrEqual(
            tolerance(expected),
          );
        }
      }
    }
    const [q1, q2, k1, k2] = [0, 1, 2, 3].map(() => randomMatrix(rng, 4, 8));
    const got = lossOf(q1!, q2!, k1!, k2!, 1e-4);
    expect(Number.isFinite(got)).toBe(true);
    expect(Math.abs(got - referenceLoss(q1!, q2!, k1!, k2!, 1e-4))).toBeLessThanOrEqual(1e-4);
  });

  it('has gradients in q that match central differences, and exactly zero gradient in k (sg)', () => {
    const rng = createRng(17);
    const n = 3;
    const d = 5;
    for (const tau of [0.2, 1]) {
      const inputs = [0, 1, 2, 3].map(() => randomMatrix(rng, n, d));
      const ts = inputs.map((m) => tf.tensor2d(m));
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
        mocoV3Loss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, e as tf.Tensor2D, {
          temperature: tau,
        }),
      )(ts);
      const h = 1e-6;
      for (const which of [0, 1]) {
        const got = (grads[which]!.arraySync() as M).flat();
        const expected: number[] = [];
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < d; k++) {
            const f = (delta: number) => {
              const args = inputs.map((m) => m.map((r) => [...r]));
              args[which]![i]![k]! += delta;
              return referenceLoss(args[0]!, args[1]!, args[2]!, args[3]!, tau);
            };
            expected.push((f(h) - f(-h)) / (2 * h));
          }
        }
        got.forEach((g, i) => {
          expect(Math.abs(g - expected[i]!)).toBeLessThanOrEqual(
            1e-5 + 1e-4 * Math.abs(expected[i]!),
          );
        });
        expect(expected.some((g) => Math.abs(g) > 1e-2)).toBe(true);
      }
      for (const which of [2, 3]) {
        expect((grads[which]!.arraySync() as M).flat().every((g) => g === 0)).toBe(true);
      }
      tf.dispose([...ts, ...grads]);
    }
  });

  it('rejects a non-positive or non-finite temperature and mismatched inputs', () => {
    const a = tf.zeros([4, 8]) as tf.Tensor2D;
    const b = tf.zeros([4, 7]) as tf.Tensor2D;
    const c = tf.zeros([4, 8, 1]) as unknown as tf.Tensor2D;
    for (const temperature of [0, -1, Number.NaN, 5e-9]) {
      expect(() => mocoV3Loss(a, a, a, a, { temperature })).toThrow(ConfigError);
    }
    expect(() => mocoV3ContrastiveLoss(a, a, { temperature: 0 })).toThrow(
      /mocoV3ContrastiveLoss: temperature must be positive/,
    );
    expect(() => mocoV3Loss(a, a, a, b)).toThrow(ShapeError);
    expect(() => mocoV3Loss(a, a, a, b)).toThrow(/mocoV3Loss: k2 and q1 must have the same shape/);
    expect(() => mocoV3Loss(a, c, a, a)).toThrow(/q2 must be a non-empty 2-D/);
    tf.dispose([a, b, c]);
  });

  it('does not leak tensors and does not dispose its inputs', async () => {
    const ts = [1, 2, 3, 4].map((s) => tf.randomNormal([6, 16], 0, 1, 'float32', s) as tf.Tensor2D);
    const [q1, q2, k1, k2] = ts as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    await expectNoTensorLeak(() => mocoV3Loss(q1, q2, k1, k2), { burnIn: 1, runs: 5 });
    await expectNoTensorLeak(() => mocoV3ContrastiveLoss(q1, k2), { burnIn: 1, runs: 5 });
    await expectNoTensorLeak(
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          mocoV3Loss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D),
        )(ts),
      { burnIn: 1, runs: 3 },
    );
    expect(ts.some((t) => t.isDisposed)).toBe(false);
    tf.dispose(ts);
  });
});
