/**
 * Intensity normalisation. MRI intensities have no absolute scale (they depend on the scanner,
 * the sequence and the JPEG export), so each image is normalised on its own statistics.
 */
import { ConfigError } from '@tumorxai/core';
import { assertGrayImage, type GrayImage } from './gray-image.js';
import { percentiles } from './percentiles.js';

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
