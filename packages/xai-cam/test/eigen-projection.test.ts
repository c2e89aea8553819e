/**
 * The principal-component projection (EigenCAM, `eigenSmooth`) and its Jacobi eigensolver.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, entryToTensor } from '@tumorxai/core';
import { loadSafetensorsFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { projectFirstComponent } from '../src/index.js';
import { symmetricEigen } from '../src/internal/symmetric-eigen.js';
import { maxAbs, maxAbsDiff } from './fixtures.js';

describe('symmetricEigen (cyclic Jacobi, float64)', () => {
  it('diagonalises random symmetric matrices: A·v = λ·v, V orthonormal', () => {
    const rng = createRng(4);
    for (const n of [1, 2, 5, 24]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const v = rng.normal();
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      }
      const { values, vectors } = symmetricEigen(a, n);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
          expect(Math.abs(av - values[k]! * vectors[i * n + k]!)).toBeLessThan(1e-12);
        }
        for (let l = 0; l < n; l++) {
          let dot = 0;
          for (let i = 0; i < n; i++) dot += vectors[i * n + k]! * vectors[i * n + l]!;
          expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('separates nearly equal top eigenvalues exactly (power iteration would need ~1e3 steps)', () => {
    // Q·diag(20.58², 20.42², 1)·Qᵀ for a rotation Q: the top eigenvector is Q's first column.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const q = [c, -s, 0, s, c, 0, 0, 0, 1];
    const d = [20.58 ** 2, 20.42 ** 2, 1];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) a[i * 3 + j]! += q[i * 3 + k]! * d[k]! * q[j * 3 + k]!;
    const { values, vectors } = symmetricEigen(a, 3);
    const top = values.indexOf(Math.max(...values));
    expect(values[top]).toBeCloseTo(d[0]!, 9);
    expect(Math.abs(Math.abs(vectors[top]!) - c)).toBeLessThan(1e-12);
    expect(Math.abs(Math.abs(vectors[3 + top]!) - s)).toBeLessThan(1e-12);
  });
});

describe('projectFirstComponent', () => {
  it('equals ±(the reference M·VT[0]) per image, with the channel-sum sign by default and flipSign the other', () => {
    const { entries } = loadSafetensorsFixture('resnet-cam/resnet18/expected.safetensors');
    // Near-degenerate image 0: singular values 20.58 vs 20.42.
    const activations = tf.tidy(() =>
      tf.transpose(entryToTensor('a', entries['layer3/activations']!), [0, 2, 3, 1]),
    );
    const expected = entries['layer3/argmax/eigencam/cam_raw']!.data as Float32Array;
    const projected = projectFirstComponent(activations);
    const flipped = projectFirstComponent(activations, { flipSign: true });
    const got = projected.dataSync();
    const tol = 1e-4 * maxAbs(expected);
    for (let b = 0; b < 2; b++) {
      const g = got.subarray(16 * b, 16 * (b + 1));
      const e = expected.subarray(16 * b, 16 * (b + 1));
      expect(
        Math.min(
          maxAbsDiff(g, e),
          maxAbsDiff(
            g,
            e.map((v) => -v),
          ),
        ),
      ).toBeLessThan(tol);
    }
    expect(
      maxAbsDiff(
        flipped.dataSync(),
        got.map((v) => -v),
      ),
    ).toBe(0);
    // Channel-sum convention: Σ_i proj_i · Σ_k M_ik ≥ 0, i.e. the direction has a positive channel sum.
    const a = activations.dataSync();
    for (let b = 0; b < 2; b++) {
      let dot = 0;
      for (let i = 0; i < 16; i++) {
        let row = 0;
        let mean = 0;
        for (let k = 0; k < 256; k++) row += a[(b * 16 + i) * 256 + k]!;
        for (let j = 0; j < 16; j++)
          for (let k = 0; k < 256; k++) mean += a[(b * 16 + j) * 256 + k]! / 16;
        dot += got[b * 16 + i]! * (row - mean);
      }
      expect(dot).toBeGreaterThan(0);
    }
    tf.dispose([activations, projected, flipped]);
  });

  it("'maxAbs' makes the largest-magnitude value positive; a constant map projects to 0", () => {
    const x = tf.randomNormal([3, 4, 5, 7], 0, 1, 'float32', 9);
    const p = projectFirstComponent(x, { sign: 'maxAbs' });
    const values = p.dataSync();
    for (let b = 0; b < 3; b++) {
      const row = Array.from(values.subarray(20 * b, 20 * (b + 1)));
      expect(Math.max(...row)).toBeGreaterThanOrEqual(-Math.min(...row));
    }
    const constant = projectFirstComponent(tf.ones([1, 3, 3, 4]));
    expect(Array.from(constant.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, p, constant]);
  });

  it('more positions than channels (the MᵀM branch) agrees with power iteration', () => {
    const tall = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 10);
    const got = projectFirstComponent(tall).dataSync();
    const m = Array.from({ length: 36 }, (_, i) =>
      Array.from(tall.dataSync().subarray(3 * i, 3 * i + 3)),
    );
    const mean = [0, 1, 2].map((k) => m.reduce((s, row) => s + row[k]!, 0) / 36);
    const centred = m.map((row) => row.map((v, k) => v - mean[k]!));
    let v = [1, 0.5, 0.25];
    for (let it = 0; it < 5000; it++) {
      const w = [0, 1, 2].map((k) =>
        centred.reduce((s, row) => s + row[k]! * row.reduce((t, x, j) => t + x * v[j]!, 0), 0),
      );
      const norm = Math.hypot(...w);
      v = w.map((x) => x / norm);
    }
    const expected = centred.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
    expect(
      Math.min(
        maxAbsDiff(got, expected),
        maxAbsDiff(
          got,
          expected.map((x) => -x),
        ),
      ),
    ).toBeLessThan(1e-5);
    tall.dispose();
  });
});
