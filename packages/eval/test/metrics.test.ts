import { ConfigError, ShapeError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  classificationReport,
  cohenKappa,
  confusionMatrix,
  percentile,
  topKAccuracy,
} from '../src/index.js';

describe('confusionMatrix', () => {
  it('counts rows = true class, columns = prediction', () => {
    expect(confusionMatrix([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 3)).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0],
    ]);
  });

  it('rejects bad labels with shape errors', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(ShapeError);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/yTrue\[1\] is not a class id/);
    expect(() => confusionMatrix([0, 1.5], [0, 1], 3)).toThrow(ShapeError);
    expect(() => confusionMatrix([], [], 3)).toThrow(/no labels/);
  });
});

describe('classificationReport', () => {
  it('matches hand-computed values (scikit-learn docs example)', () => {
    // Per class: 0 → tp 2 of 3 predicted, 2 true: P 2/3, R 1, F1 0.8; classes 1, 2 → 0.
    const r = classificationReport([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { numClasses: 3 });
    expect(r.accuracy).toBeCloseTo(2 / 6, 12);
    expect(r.macro.precision).toBeCloseTo(2 / 9, 12);
    expect(r.macro.recall).toBeCloseTo(1 / 3, 12);
    expect(r.macro.f1).toBeCloseTo(0.8 / 3, 12);
    expect(r.weighted.f1).toBeCloseTo(0.8 / 3, 12);
    expect(r.perClass[0]).toMatchObject({ precision: 2 / 3, recall: 1, support: 2 });
    expect(r.perClass[0]!.f1).toBeCloseTo(0.8, 12);
    expect(r.kappa).toBeCloseTo(0, 12);
  });

  it('weights by support and computes balanced accuracy on imbalanced data', () => {
    // balanced_accuracy_score([0,1,0,0,1,0],[0,1,0,0,0,1]) = (3/4 + 1/2)/2 = 0.625
    const r = classificationReport([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], {
      numClasses: 2,
      classNames: ['normal', 'tumour'],
    });
    expect(r.balancedAccuracy).toBeCloseTo(0.625, 12);
    expect(r.perClass[1]!.name).toBe('tumour');
    // class 0: P 3/4, R 3/4, F1 3/4 (support 4); class 1: P 1/2, R 1/2, F1 1/2 (support 2)
    expect(r.weighted.f1).toBeCloseTo((4 * 0.75 + 2 * 0.5) / 6, 12);
    expect(r.macro.f1).toBeCloseTo(0.625, 12);
  });

  it('gives 0 (not NaN) for never-predicted and absent classes', () => {
    const r = classificationReport([0, 0, 1], [0, 0, 0], { numClasses: 3 });
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.balancedAccuracy).toBeCloseTo(0.5, 12); // absent class 2 not averaged
    expect(Number.isNaN(r.macro.f1)).toBe(false);
  });
});

describe('cohenKappa', () => {
  it('equals (p_o − p_e)/(1 − p_e)', () => {
    // [0,0,1,1] vs [0,1,1,1]: p_o = 3/4, p_e = (2·1 + 2·3)/16 = 1/2 → κ = 0.5
    expect(cohenKappa(confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], 2))).toBeCloseTo(0.5, 12);
    expect(cohenKappa(confusionMatrix([0, 1, 2], [0, 1, 2], 3))).toBeCloseTo(1, 12);
  });
});

describe('topKAccuracy', () => {
  const scores = [
    [0.5, 0.2, 0.2],
    [0.3, 0.4, 0.2],
    [0.2, 0.4, 0.3],
    [0.7, 0.2, 0.1],
  ];
  it('matches scikit-learn top_k_accuracy_score', () => {
    expect(topKAccuracy(scores, [0, 1, 2, 2], 2)).toBeCloseTo(0.75, 12);
    expect(topKAccuracy(scores, [0, 1, 2, 2], 1)).toBeCloseTo(0.5, 12);
    expect(topKAccuracy(scores, [0, 1, 2, 2], 3)).toBe(1);
  });
  it('rejects bad k and shapes', () => {
    expect(() => topKAccuracy(scores, [0, 1, 2, 2], 4)).toThrow(ShapeError);
    expect(() => topKAccuracy(scores, [0, 1], 1)).toThrow(/one score row per label/);
  });
});

describe('bootstrapCi', () => {
  const n = 500;
  const yTrue = Array.from({ length: n }, (_, i) => i % 17);
  const yPred = yTrue.map((y, i) => (i % 50 === 0 ? (y + 1) % 17 : y)); // 10 errors → 98 %
  const accuracy = (t: Int32Array, p: Int32Array) => {
    let c = 0;
    for (let i = 0; i < t.length; i++) if (t[i] === p[i]) c++;
    return c / t.length;
  };

  it('is deterministic for a seed and brackets the estimate', () => {
    const a = bootstrapCi(yTrue, yPred, accuracy, { seed: 1 });
    const b = bootstrapCi(yTrue, yPred, accuracy, { seed: 1 });
    expect(a).toEqual(b);
    expect(a.estimate).toBeCloseTo(0.98, 12);
    expect(a.lower).toBeLessThan(0.98);
    expect(a.upper).toBeGreaterThan(0.98);
    // Binomial standard error sqrt(.98·.02/500) ≈ 0.0063 → 95 % half-width ≈ 0.012.
    expect(a.upper - a.lower).toBeGreaterThan(0.015);
    expect(a.upper - a.lower).toBeLessThan(0.035);
    expect(bootstrapCi(yTrue, yPred, accuracy, { seed: 2 })).not.toEqual(a);
  });

  it('collapses to a point for perfect predictions and validates options', () => {
    const ci = bootstrapCi(yTrue, yTrue, accuracy, { resamples: 50 });
    expect([ci.lower, ci.estimate, ci.upper]).toEqual([1, 1, 1]);
    expect(() => bootstrapCi(yTrue, yPred, accuracy, { confidence: 1 })).toThrow(ConfigError);
    expect(() => bootstrapCi(yTrue, yPred, accuracy, { resamples: 0 })).toThrow(ConfigError);
  });

  it('uses numpy linear percentiles', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.25)).toBe(1.75);
  });
});
