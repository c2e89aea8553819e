import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' Node bundle registers tfjs-core's gradient functions (tfjs-core's own does not).
import '@tensorflow/tfjs-layers';
import { createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak, fixturePath, loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { byolLoss, byolRegressionLoss } from '../src/index.js';

interface ByolCase {
  p1: number[][];
  p2: number[][];
  z1: number[][];
  z2: number[][];
  description: string;
  expected: { loss: number; loss_p1z2: number; loss_p2z1: number; neg_cos_sym: number };
}

type M = number[][];

/** float64 cosine of every row pair, l2n with max(‖x‖, 1e-12) (spec §0). */
function cosines(a: M, b: M): number[] {
  return a.map((r, i) => {
    const s = b[i]!;
    const dot = r.reduce((acc, v, k) => acc + v * s[k]!, 0);
    return dot / (Math.max(Math.hypot(...r), 1e-12) * Math.max(Math.hypot(...s), 1e-12));
  });
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
/** Plain float64 transliteration of the official loss (spec §2c), independent of tfjs. */
const referenceLoss = (p1: M, p2: M, z1: M, z2: M) =>
  mean(cosines(p1, z2).map((c, b) => 2 - 2 * c + 2 - 2 * cosines(p2, z1)[b]!));

const randomMatrix = (rng: ReturnType<typeof createRng>, n: number, d: number): M =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

function lossOf(p1: M, p2: M, z1: M, z2: M): number {
  const ts = [p1, p2, z1, z2].map((m) => tf.tensor2d(m)) as tf.Tensor2D[];
  const v = value(byolLoss(ts[0]!, ts[1]!, ts[2]!, ts[3]!));
  tf.dispose(ts);
  return v;
}

const tolerance = (expected: number) => 1e-5 + 1e-5 * Math.abs(expected);

describe('byolLoss', () => {
  const files = readdirSync(fixturePath('ssl')).filter((f) => /^byol_.*\.json$/.test(f));

  it('finds the byol fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('matches fixtures/ssl/%s (loss and both directions)', (file) => {
    const c = loadJsonFixture<ByolCase>(`ssl/${file}`);
    const [p1, p2, z1, z2] = [c.p1, c.p2, c.z1, c.z2].map((m) => tf.tensor2d(m)) as tf.Tensor2D[];
    const got = value(byolLoss(p1!, p2!, z1!, z2!));
    const l12 = value(byolRegressionLoss(p1!, z2!));
    const l21 = value(byolRegressionLoss(p2!, z1!));
    expect(Math.abs(got - c.expected.loss)).toBeLessThanOrEqual(tolerance(c.expected.loss));
    expect(Math.abs(l12 - c.expected.loss_p1z2)).toBeLessThanOrEqual(
      tolerance(c.expected.loss_p1z2),
    );
    expect(Math.abs(l21 - c.expected.loss_p2z1)).toBeLessThanOrEqual(
      tolerance(c.expected.loss_p2z1),
    );
    // The SimSiam-style value the CLI prints: L = 4 + 4·neg_cos_sym (spec §2c, §10.2).
    const negCosSym = (got - 4) / 4;
    expect(Math.abs(negCosSym - c.expected.neg_cos_sym)).toBeLessThanOrEqual(
      tolerance(c.expected.neg_cos_sym),
    );
    // The float64 reference used for the gradient check agrees with the fixture.
    expect(Math.abs(referenceLoss(c.p1, c.p2, c.z1, c.z2) - c.expected.loss)).toBeLessThan(1e-12);
    tf.dispose([p1!, p2!, z1!, z2!]);
  });

  it('is 0 for aligned and 4 for orthogonal predictions, 8 for opposite ones; scale-invariant', () => {
    const x = [
      [1, 2, 3],
      [-1, 0.5, 2],
    ];
    const scaled = x.map((r) => r.map((v) => 7 * v));
    expect(Math.abs(lossOf(x, x, scaled, scaled))).toBeLessThan(1e-6);
    const neg = x.map((r) => r.map((v) => -v));
    expect(Math.abs(lossOf(x, x, neg, neg) - 8)).toBeLessThan(1e-5);
    const e1 = [[1, 0, 0]];
    const e2 = [[0, 1, 0]];
    expect(Math.abs(lossOf(e1, e1, e2, e2) - 4)).toBeLessThan(1e-6);
  });

  it('matches the float64 reference over a grid of (N, D)', () => {
    const rng = createRng(7);
    for (const n of [1, 2, 5, 17]) {
      for (const d of [1, 3, 32]) {
        const [p1, p2, z1, z2] = [0, 1, 2, 3].map(() => randomMatrix(rng, n, d));
        const expected = referenceLoss(p1!, p2!, z1!, z2!);
        expect(Math.abs(lossOf(p1!, p2!, z1!, z2!) - expected)).toBeLessThanOrEqual(
          tolerance(expected),
        );
      }
    }
  });

  it('has gradients in p that match central differences, and exactly zero gradient in z (sg)', () => {
    const rng = createRng(17);
    const n = 3;
    const d = 5;
    const inputs = [0, 1, 2, 3].map(() => randomMatrix(rng, n, d));
    const ts = inputs.map((m) => tf.tensor2d(m));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
      byolLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, e as tf.Tensor2D),
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
            return referenceLoss(args[0]!, args[1]!, args[2]!, args[3]!);
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
  });

  it('rejects mismatched or non-2-D inputs with a ShapeError naming the argument', () => {
    const a = tf.zeros([4, 8]) as tf.Tensor2D;
    const b = tf.zeros([4, 7]) as tf.Tensor2D;
    const c = tf.zeros([4, 8, 1]) as unknown as tf.Tensor2D;
    expect(() => byolLoss(a, a, a, b)).toThrow(ShapeError);
    expect(() => byolLoss(a, a, a, b)).toThrow(/byolLoss: z2 and p1 must have the same shape/);
    expect(() => byolLoss(a, c, a, a)).toThrow(/p2 must be a non-empty 2-D/);
    expect(() => byolRegressionLoss(a, b)).toThrow(/byolRegressionLoss/);
    tf.dispose([a, b, c]);
  });

  it('does not leak tensors and does not dispose its inputs', async () => {
    const ts = [1, 2, 3, 4].map((s) => tf.randomNormal([6, 16], 0, 1, 'float32', s) as tf.Tensor2D);
    const [p1, p2, z1, z2] = ts as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    await expectNoTensorLeak(() => byolLoss(p1, p2, z1, z2), { burnIn: 1, runs: 5 });
    await expectNoTensorLeak(() => byolRegressionLoss(p1, z2), { burnIn: 1, runs: 5 });
    await expectNoTensorLeak(
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
          byolLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D),
        )(ts),
      { burnIn: 1, runs: 3 },
    );
    expect(ts.some((t) => t.isDisposed)).toBe(false);
    tf.dispose(ts);
  });
});
