import { describe, expect, it } from 'vitest';
import { ConfigError, createRng, rngFromState } from '../src/index.js';

function draws(seed: number, n = 5): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
}

describe('createRng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    expect(draws(0)).not.toEqual(draws(1));
  });

  it('draws uniform floats in [0, 1) with the right mean', () => {
    const rng = createRng(7);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });

  it('draws integers in the inclusive range and normals with mean 0, std 1', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 1);
  });

  it('makes permutations and shuffles', () => {
    const perm = Array.from(createRng(1).permutation(50));
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(perm).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const items = ['a', 'b', 'c', 'd'];
    expect(
      createRng(2)
        .shuffle([...items])
        .sort(),
    ).toEqual(items);
  });

  it('forks independent streams that depend on the label', () => {
    const a = createRng(5).fork('crops');
    const b = createRng(5).fork('crops');
    const c = createRng(5).fork('shuffle');
    expect(a.next()).toBe(b.next());
    expect(createRng(5).fork('crops').next()).not.toBe(c.next());
  });

  it('restores its state exactly, including a cached normal sample', () => {
    const rng = createRng(9);
    rng.normal();
    const state = rng.getState();
    const expected = [rng.normal(), rng.next(), rng.int(0, 100)];
    const restored = rngFromState(state);
    expect([restored.normal(), restored.next(), restored.int(0, 100)]).toEqual(expected);
  });

  it('gives 31-bit seeds for tfjs ops', () => {
    const rng = createRng(11);
    for (let i = 0; i < 100; i++) {
      const s = rng.seed();
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    }
  });

  it('rejects bad seeds, ranges and states', () => {
    expect(() => createRng(Number.NaN)).toThrow(ConfigError);
    expect(() => createRng(1).int(5, 2)).toThrow(/low <= high/);
    expect(() => createRng(1).setState([1, 2])).toThrow(ConfigError);
  });
});
