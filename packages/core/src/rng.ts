/**
 * Seeded randomness: the single PRNG API used across `@tumorxai/*` for shuffles, crops, splits
 * and the seeds handed to TensorFlow.js random ops. Same seed → same run.
 *
 * Built on `pure-rand`'s xoroshiro128+ (fast, 128-bit state, serialisable), so a checkpoint can
 * store {@link Rng.getState} and a resumed run continues the exact same stream.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { ConfigError } from './errors.js';

/** Serialisable state of an {@link Rng} (four 32-bit integers). */
export type RngState = readonly number[];

/** A seeded pseudo-random number generator. Not thread-safe; cheap to fork. */
export interface Rng {
  /** Uniform float in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** `true` with probability `p`. */
  bernoulli(p: number): boolean;
  /** A random permutation of `0..n-1` (Fisher–Yates). */
  permutation(n: number): Int32Array;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A 31-bit non-negative integer, for seeding TensorFlow.js random ops (`tf.randomUniform(..., seed)`). */
  seed(): number;
  /**
   * A new, independent generator derived from this one's current state and `label`; advances
   * this generator by one draw. Use one fork per consumer (augmentation, shuffling, init) so that
   * adding draws in one place does not change the stream of another.
   */
  fork(label?: string): Rng;
  /** The full generator state, for checkpoints. */
  getState(): RngState;
  /** Restores a state produced by {@link Rng.getState}. */
  setState(state: RngState): void;
}

/** 32-bit string hash (FNV-1a), used to mix fork labels into seeds. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** murmur3 finaliser: spreads nearby seeds (0, 1, 2, …) over the whole 32-bit range. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

class XoroshiroRng implements Rng {
  private gen: RandomGenerator;
  private spareNormal: number | null = null;

  constructor(gen: RandomGenerator) {
    this.gen = gen;
  }

  next(): number {
    return uniformFloat64(this.gen);
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new ConfigError({
        fn: 'Rng.int',
        problem: 'bounds must be integers with low <= high',
        got: [low, high],
      });
    }
    return uniformInt(this.gen, low, high);
  }

  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  seed(): number {
    return this.gen.next() >>> 1;
  }

  fork(label = ''): Rng {
    const base = this.gen.next();
    return createRng(mix32(base ^ hashString(label)));
  }

  getState(): RngState {
    // The cached Box–Muller value is part of the state: without it a resumed run would diverge.
    const spare = this.spareNormal === null ? [] : [this.spareNormal];
    return [...this.gen.getState(), ...spare];
  }

  setState(state: RngState): void {
    if (!Array.isArray(state) || (state.length !== 4 && state.length !== 5)) {
      throw new ConfigError({
        fn: 'Rng.setState',
        problem: 'state must come from Rng.getState()',
        expected: 'an array of 4 or 5 numbers',
        got: state,
      });
    }
    this.gen = xoroshiro128plusFromState(state.slice(0, 4));
    this.spareNormal = state.length === 5 ? (state[4] as number) : null;
  }
}

/**
 * Creates a seeded generator.
 *
 * @param seed Any finite number; integers are used as is, other values are hashed.
 * @returns A new {@link Rng}; two generators with the same seed produce the same stream.
 * @throws {ConfigError} when `seed` is not a finite number.
 * @example
 * ```ts
 * const rng = createRng(42);
 * const order = rng.permutation(100);
 * const cropRng = rng.fork('crops');
 * ```
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new ConfigError({
      fn: 'createRng',
      problem: 'seed must be a finite number',
      got: seed,
      fix: 'Pass an integer such as 42',
    });
  }
  const int = Number.isInteger(seed) ? seed | 0 : hashString(String(seed));
  const gen = xoroshiro128plus(mix32(int ^ 0x9e3779b9));
  // Discard a few outputs: xoroshiro's first draws are weakly correlated with the seed.
  for (let i = 0; i < 8; i++) gen.next();
  return new XoroshiroRng(gen);
}

/** Restores a generator from a state produced by {@link Rng.getState}. */
export function rngFromState(state: RngState): Rng {
  const rng = createRng(0);
  rng.setState(state);
  return rng;
}
