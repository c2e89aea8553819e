import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' Node bundle registers tfjs-core's gradient functions (tfjs-core's own does not).
import '@tensorflow/tfjs-layers';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak, fixturePath, loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { ntXentLoss } from '../src/index.js';

interface NtXentCase {
  z1: number[][];
  z2: number[][];
  tau: number;
  description: string;
  expected: { loss: number; loss_simclr_tf: number };
}

/** Plain float64 transliteration of SimCLR Algorithm 1 (spec §1c), independent of tfjs. */
function referenceLoss(z1: number[][], z2: number[][], tau: number): number {
  const rows = [...z1, ...z2].map((r) => {
    const norm = Math.max(Math.hypot(...r), 1e-12);
    return r.map((v) => v / norm);
  });
  const n2 = rows.length;
  const n = n2 / 2;
  let total = 0;
  for (let i = 0; i < n2; i++) {
    const s = rows.map((r) => r.reduce((acc, v, k) => acc + v * rows[i]![k]!, 0) / tau);
    const others = s.filter((_, k) => k !== i);
    const max = Math.max(...others);
    const lse = max + Math.log(others.reduce((acc, v) => acc + Math.exp(v - max), 0));
    total += lse - s[(i + n) % n2]!;
  }
  return total / n2;
}

function randomMatrix(rng: ReturnType<typeof createRng>, n: number, d: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

function lossOf(z1: number[][], z2: number[][], temperature: number): number {
  const a = tf.tensor2d(z1);
  const b = tf.tensor2d(z2);
  const loss = ntXentLoss(a, b, { temperature });
  const value = loss.dataSync()[0]!;
  tf.dispose([a, b, loss]);
  return value;
}

const tolerance = (expected: number) => 1e-5 + 1e-5 * Math.abs(expected);

describe('ntXentLoss', () => {
  const files = readdirSync(fixturePath('ssl')).filter((f) => /^simclr_.*\.json$/.test(f));

  it('finds the simclr fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('matches fixtures/ssl/%s', (file) => {
    const c = loadJsonFixture<NtXentCase>(`ssl/${file}`);
    const got = lossOf(c.z1, c.z2, c.tau);
    expect(Math.abs(got - c.expected.loss)).toBeLessThanOrEqual(tolerance(c.expected.loss));
    // The official TF code's value is exactly twice ours (spec §10.1).
    expect(Math.abs(2 * got - c.expected.loss_simclr_tf)).toBeLessThanOrEqual(
      tolerance(c.expected.loss_simclr_tf),
    );
  });

  it('rejects fixtures/ssl/errors/nt_xent_tau_zero.json with a ConfigError naming the temperature', () => {
    const c = loadJsonFixture<NtXentCase & { expected_error: string }>(
      'ssl/errors/nt_xent_tau_zero.json',
    );
    const a = tf.tensor2d(c.z1);
    const b = tf.tensor2d(c.z2);
    expect(() => ntXentLoss(a, b, { temperature: c.tau })).toThrow(ConfigError);
    expect(() => ntXentLoss(a, b, { temperature: 5e-9 })).toThrow(new RegExp(c.expected_error));
    expect(() => ntXentLoss(a, b, { temperature: Number.NaN })).toThrow(/temperature/);
    tf.dispose([a, b]);
  });

  it('rejects mismatched or non-2-D inputs with a ShapeError', () => {
    const a = tf.zeros([4, 8]) as tf.Tensor2D;
    const b = tf.zeros([4, 7]) as tf.Tensor2D;
    const c = tf.zeros([3, 8]) as tf.Tensor2D;
    const d = tf.zeros([4, 8, 1]) as unknown as tf.Tensor2D;
    expect(() => ntXentLoss(a, b)).toThrow(ShapeError);
    expect(() => ntXentLoss(a, c)).toThrow(/same shape/);
    expect(() => ntXentLoss(a, d)).toThrow(/2-D/);
    tf.dispose([a, b, c, d]);
  });

  it('matches a float64 transliteration of Algorithm 1 over a grid (N, D, τ), including τ < 0', () => {
    const rng = createRng(7);
    for (const n of [1, 2, 4, 9]) {
      for (const d of [1, 2, 16]) {
        for (const tau of [0.1, 1, 10, -1]) {
          const z1 = randomMatrix(rng, n, d);
          const z2 = randomMatrix(rng, n, d);
          const expected = referenceLoss(z1, z2, tau);
          expect(Math.abs(lossOf(z1, z2, tau) - expected)).toBeLessThanOrEqual(tolerance(expected));
        }
      }
    }
  });

  it('is symmetric in (z1, z2) for batch 1..19, also with τ = −1', () => {
    const rng = createRng(11);
    for (let n = 1; n < 20; n++) {
      const z1 = randomMatrix(rng, n, 32);
      const z2 = randomMatrix(rng, n, 32);
      for (const tau of [0.5, -1]) {
        const ab = lossOf(z1, z2, tau);
        expect(Number.isFinite(ab)).toBe(true);
        expect(Math.abs(ab - lossOf(z2, z1, tau))).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('gives exactly 0 for batch 1', () => {
    const rng = createRng(3);
    for (const tau of [0.1, 0.5, 7]) {
      expect(lossOf(randomMatrix(rng, 1, 16), randomMatrix(rng, 1, 16), tau)).toBe(0);
    }
  });

  it('gives log(2N − 1) for collinear embeddings (rows x and 2x)', () => {
    const rng = createRng(5);
    for (const n of [1, 2, 8, 16]) {
      for (const tau of [0.1, 1, 7]) {
        const x = randomMatrix(rng, 1, 8)[0]!;
        const z1 = Array.from({ length: n }, (_, i) => x.map((v) => v * (i + 1)));
        const z2 = z1.map((r) => r.map((v) => 2 * v));
        const expected = Math.log(2 * n - 1);
        expect(Math.abs(lossOf(z1, z2, tau) - expected)).toBeLessThanOrEqual(tolerance(expected));
      }
    }
  });

  it('is stable for a tiny temperature (logits of magnitude 1e4)', () => {
    const rng = createRng(13);
    const z1 = randomMatrix(rng, 4, 8);
    const z2 = randomMatrix(rng, 4, 8);
    const got = lossOf(z1, z2, 1e-4);
    const expected = referenceLoss(z1, z2, 1e-4);
    expect(Number.isFinite(got)).toBe(true);
    expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-3 * Math.abs(expected));
  });

  it('has a gradient that matches central differences of the float64 reference', () => {
    const rng = createRng(17);
    const n = 3;
    const d = 5;
    for (const tau of [0.5, -1]) {
      const z1 = randomMatrix(rng, n, d);
      const z2 = randomMatrix(rng, n, d);
      const a = tf.tensor2d(z1);
      const b = tf.tensor2d(z2);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        ntXentLoss(x as tf.Tensor2D, y as tf.Tensor2D, { temperature: tau }),
      )([a, b]);
      const got = [
        ...(ga!.arraySync() as number[][]).flat(),
        ...(gb!.arraySync() as number[][]).flat(),
      ];
      const h = 1e-6;
      const expected: number[] = [];
      for (const [which, m] of [
        [0, z1],
        [1, z2],
      ] as const) {
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < d; k++) {
            const plus = m.map((r) => [...r]);
            const minus = m.map((r) => [...r]);
            plus[i]![k]! += h;
            minus[i]![k]! -= h;
            const fPlus = which === 0 ? referenceLoss(plus, z2, tau) : referenceLoss(z1, plus, tau);
            const fMinus =
              which === 0 ? referenceLoss(minus, z2, tau) : referenceLoss(z1, minus, tau);
            expected.push((fPlus - fMinus) / (2 * h));
          }
        }
      }
      for (let i = 0; i < got.length; i++) {
        expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(
          1e-5 + 1e-4 * Math.abs(expected[i]!),
        );
      }
      tf.dispose([a, b, ga!, gb!]);
    }
  });

  it('does not leak tensors and does not dispose its inputs', async () => {
    const a = tf.randomNormal([6, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([6, 16], 0, 1, 'float32', 2) as tf.Tensor2D;
    await expectNoTensorLeak(() => ntXentLoss(a, b), { burnIn: 1, runs: 5 });
    await expectNoTensorLeak(
      () =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXentLoss(x as tf.Tensor2D, y as tf.Tensor2D))([
          a,
          b,
        ]),
      { burnIn: 1, runs: 3 },
    );
    expect(a.isDisposed || b.isDisposed).toBe(false);
    tf.dispose([a, b]);
  });
});
