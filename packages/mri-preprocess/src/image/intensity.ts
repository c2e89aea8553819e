/**
 * Intensity normalisation. MRI intensities have no absolute scale (they depend on the scanner,
 * the sequence and the JPEG export), so each image is normalised on its own statistics.
 */
import { ConfigError } from '@tumorxai/core';
import { assertGrayImage, type GrayImage } from './gray-image.js';

/**
 * - `'minmax'`: `(x − min) / (max − min)` → [0, 1] (a constant image becomes 0).
 * - `'percentile'`: clip to the `[low, high]` percentiles (default 1–99), then min-max → [0, 1].
 *   Robust to hot pixels and burnt-in annotations.
 * - `'zscore'`: `(x − mean) / std` (population std; a constant image becomes 0). Not in [0, 1]:
 *   apply intensity augmentations (jitter, solarise) before z-scoring, not after.
 * - `'none'`: unchanged (decoded images are already in [0, 1]).
 */
export type IntensityNormalization = 'none' | 'minmax' | 'percentile' | 'zscore';

export const NORMALIZATIONS: readonly IntensityNormalization[] = [
  'none',
  'minmax',
  'percentile',
  'zscore',
];

/** Options of {@link normalizeIntensity}. */
export interface NormalizeIntensityOptions {
  /** Method (default `'minmax'`). */
  method?: IntensityNormalization;
  /** Percentiles for `'percentile'`, each in [0, 100] with low < high (default `[1, 99]`). */
  percentiles?: readonly [number, number];
}

/** k-th smallest value of `values` (0-based), in place (Hoare quickselect). */
function select(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Order statistics (0-based ranks) of a large array without sorting it: one pass builds a
 * 4096-bin histogram (with each bin's min and max), a second pass gathers only the members of
 * the bins that hold the wanted ranks, which are then searched exactly. A bin holding a single
 * distinct value (e.g. the zero background of a volume) answers without gathering.
 */
function orderStatistics(
  values: Float32Array,
  ranks: number[],
  min: number,
  max: number,
): Map<number, number> {
  const out = new Map<number, number>();
  if (values.length <= 4096 || !(max > min)) {
    const work = Float32Array.from(values);
    for (const k of ranks) out.set(k, select(work, k));
    return out;
  }
  const bins = 4096;
  const scale = (bins - 1e-3) / (max - min);
  const binOf = new Uint16Array(values.length);
  const counts = new Int32Array(bins);
  const lo = new Float32Array(bins).fill(Number.POSITIVE_INFINITY);
  const hi = new Float32Array(bins).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const b = ((v - min) * scale) | 0;
    binOf[i] = b;
    counts[b]!++;
    if (v < lo[b]!) lo[b] = v;
    if (v > hi[b]!) hi[b] = v;
  }
  const starts = new Int32Array(bins + 1);
  for (let b = 0; b < bins; b++) starts[b + 1] = starts[b]! + counts[b]!;
  const binOfRank = (k: number) => {
    let b = 0;
    while (starts[b + 1]! <= k) b++;
    return b;
  };
  const gather = new Map<number, Float32Array>();
  for (const k of ranks) {
    const b = binOfRank(k);
    if (lo[b] === hi[b]) out.set(k, lo[b]!);
    else if (!gather.has(b)) gather.set(b, new Float32Array(counts[b]!));
  }
  if (gather.size > 0) {
    const fill = new Map([...gather.keys()].map((b) => [b, 0]));
    for (let i = 0; i < values.length; i++) {
      const members = gather.get(binOf[i]!);
      if (members) {
        const b = binOf[i]!;
        const m = fill.get(b)!;
        members[m] = values[i]!;
        fill.set(b, m + 1);
      }
    }
    for (const k of ranks) {
      if (out.has(k)) continue;
      const b = binOfRank(k);
      out.set(k, select(gather.get(b)!, k - starts[b]!));
    }
  }
  return out;
}

/**
 * Percentiles with linear interpolation between order statistics (NumPy's default `linear`
 * method): position `p / 100 × (n − 1)`. Exact and O(n) (a histogram pass, then a search of
 * the few bins involved), so it is fast on whole volumes.
 *
 * @param values Not modified.
 * @param ps Percentiles in [0, 100].
 */
export function percentiles(values: Float32Array, ps: readonly number[]): number[] {
  if (values.length === 0) return ps.map(() => Number.NaN);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const positions = ps.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (values.length - 1));
  const ranks = new Set<number>();
  for (const pos of positions) {
    ranks.add(Math.floor(pos));
    if (pos !== Math.floor(pos)) ranks.add(Math.floor(pos) + 1);
  }
  const stats = orderStatistics(values, [...ranks], min, max);
  return positions.map((pos) => {
    const below = Math.floor(pos);
    const lower = stats.get(below)!;
    return pos === below ? lower : lower + (stats.get(below + 1)! - lower) * (pos - below);
  });
}

function rescale(data: Float32Array, low: number, high: number): Float32Array {
  const out = new Float32Array(data.length);
  const range = high - low;
  if (!(range > 0)) return out;
  const inv = 1 / range;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v <= low ? 0 : v >= high ? 1 : (v - low) * inv;
  }
  return out;
}

/**
 * Normalises the intensities of one image.
 *
 * @returns A new image; the input is not modified.
 * @throws {ConfigError} on an unknown method or invalid percentiles.
 * @example
 * ```ts
 * const robust = normalizeIntensity(image, { method: 'percentile', percentiles: [1, 99] });
 * ```
 */
export function normalizeIntensity(
  image: GrayImage,
  options: NormalizeIntensityOptions = {},
): GrayImage {
  assertGrayImage('normalizeIntensity', image);
  const method = options.method ?? 'minmax';
  const { data, width, height } = image;
  switch (method) {
    case 'none':
      return { data: Float32Array.from(data), width, height };
    case 'minmax': {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return { data: rescale(data, min, max), width, height };
    }
    case 'percentile': {
      const [low, high] = options.percentiles ?? [1, 99];
      if (!(low >= 0 && high <= 100 && low < high)) {
        throw new ConfigError({
          fn: 'normalizeIntensity',
          problem: 'percentiles must satisfy 0 <= low < high <= 100',
          got: options.percentiles,
          fix: 'Use e.g. [1, 99]',
        });
      }
      const [lo, hi] = percentiles(data, [low, high]) as [number, number];
      return { data: rescale(data, lo, hi), width, height };
    }
    case 'zscore': {
      let sum = 0;
      for (let i = 0; i < data.length; i++) sum += data[i]!;
      const mean = sum / data.length;
      let sq = 0;
      for (let i = 0; i < data.length; i++) sq += (data[i]! - mean) ** 2;
      const std = Math.sqrt(sq / data.length);
      const inv = std > 0 ? 1 / std : 0;
      const out = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = (data[i]! - mean) * inv;
      return { data: out, width, height };
    }
    default:
      throw new ConfigError({
        fn: 'normalizeIntensity',
        problem: 'unknown normalisation method',
        expected: NORMALIZATIONS.join(' | '),
        got: method,
      });
  }
}
