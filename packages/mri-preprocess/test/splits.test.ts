import { ConfigError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import { labelFraction, type SplitSubset, stratifiedSplit } from '../src/index.js';

// 17 classes of different sizes (5 … 53 images), like the real dataset's imbalance.
const labels = Int32Array.from(
  Array.from({ length: 17 }, (_, c) => new Array(5 + 3 * c).fill(c)).flat(),
);
const paths = Array.from(labels, (_, i) => `/data/${i}.jpg`);
const count = (s: SplitSubset, c: number) => s.labels.filter((l) => l === c).length;

describe('stratifiedSplit', () => {
  it('partitions every index once, stratified, with every class in every split', () => {
    const split = stratifiedSplit({ labels }, { train: 0.7, val: 0.1, test: 0.2, seed: 1 });
    const all = [...split.train.indices, ...split.val.indices, ...split.test.indices].sort(
      (a, b) => a - b,
    );
    expect(all).toEqual(Array.from(labels, (_, i) => i));
    for (const part of [split.train, split.val, split.test]) {
      expect([...part.indices]).toEqual([...part.indices].sort((a, b) => a - b));
      part.indices.forEach((i, k) => {
        expect(part.labels[k]).toBe(labels[i]);
      });
    }
    for (let c = 0; c < 17; c++) {
      const n = 5 + 3 * c;
      expect(count(split.val, c)).toBeGreaterThanOrEqual(1);
      expect(count(split.test, c)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(count(split.train, c) - 0.7 * n)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(count(split.test, c) - 0.2 * n)).toBeLessThanOrEqual(1.5);
    }
  });

  it('is a pure function of the seed', () => {
    const a = stratifiedSplit({ labels }, { train: 0.8, test: 0.2, seed: 7 });
    const b = stratifiedSplit({ labels }, { train: 0.8, test: 0.2, seed: 7 });
    const c = stratifiedSplit({ labels }, { train: 0.8, test: 0.2, seed: 8 });
    expect(a.test.indices).toEqual(b.test.indices);
    expect(a.test.indices).not.toEqual(c.test.indices);
    expect(a.val.indices).toHaveLength(0);
  });

  it('keeps duplicate groups (even across classes) in one split', () => {
    const duplicates = [
      [paths[0]!, paths[1]!, paths[2]!, paths[3]!],
      [paths[10]!, paths[200]!],
      [paths[50]!, paths[51]!, '/not/in/dataset.jpg'],
    ];
    for (let seed = 0; seed < 10; seed++) {
      const split = stratifiedSplit(
        { labels, paths },
        { train: 0.6, val: 0.2, test: 0.2, seed, duplicates },
      );
      const where = (i: number) =>
        (['train', 'val', 'test'] as const).find((s) => split[s].indices.includes(i));
      for (const g of [
        [0, 1, 2, 3],
        [10, 200],
        [50, 51],
      ]) {
        expect(new Set(g.map(where)).size).toBe(1);
      }
      const k = split.train.indices.indexOf(10);
      if (k >= 0)
        expect(split.train.groups[k]).toBe(split.train.groups[split.train.indices.indexOf(200)]);
    }
  });

  it('validates its inputs', () => {
    expect(() => stratifiedSplit({ labels }, { train: 0.7, test: 0.2, seed: 0 })).toThrow(
      /sum to 1/,
    );
    expect(() => stratifiedSplit({ labels }, { train: 1.2, test: -0.2, seed: 0 })).toThrow(
      ConfigError,
    );
    expect(() =>
      stratifiedSplit({ labels }, { train: 1, seed: 0, duplicates: [['a', 'b']] }),
    ).toThrow(/paths/);
  });
});

describe('labelFraction', () => {
  const split = stratifiedSplit(
    { labels, paths },
    {
      train: 0.8,
      test: 0.2,
      seed: 3,
      duplicates: [[paths[5]!, paths[6]!, paths[7]!]],
    },
  );

  it('gives nested, stratified subsets with at least one image per class', () => {
    const fractions = [0.01, 0.1, 0.25, 0.5, 1];
    const subsets = fractions.map((f) => labelFraction(split.train, f, 42));
    for (let k = 1; k < subsets.length; k++) {
      const bigger = new Set(subsets[k]!.indices);
      for (const i of subsets[k - 1]!.indices) expect(bigger.has(i)).toBe(true);
    }
    expect(subsets.at(-1)!.indices).toEqual(split.train.indices);
    for (let c = 0; c < 17; c++) {
      expect(count(subsets[0]!, c)).toBeGreaterThanOrEqual(1);
      const n = count(split.train, c);
      const got = count(subsets[2]!, c);
      expect(Math.abs(got - Math.max(1, Math.round(0.25 * n)))).toBeLessThanOrEqual(2);
    }
  });

  it('keeps duplicate groups whole and depends only on the seed', () => {
    for (const f of [0.05, 0.2, 0.6]) {
      const sub = labelFraction(split.train, f, 1);
      const present = [5, 6, 7].filter((i) => sub.indices.includes(i)).length;
      const inTrain = [5, 6, 7].filter((i) => split.train.indices.includes(i)).length;
      expect([0, inTrain]).toContain(present);
    }
    expect(labelFraction(split.train, 0.1, 9).indices).toEqual(
      labelFraction(split.train, 0.1, 9).indices,
    );
    expect(labelFraction(split.train, 0.3, 9).indices).not.toEqual(
      labelFraction(split.train, 0.3, 10).indices,
    );
    expect(() => labelFraction(split.train, 0, 1)).toThrow(ConfigError);
    expect(() => labelFraction(split.train, 1.5, 1)).toThrow(/\(0, 1\]/);
  });
});
