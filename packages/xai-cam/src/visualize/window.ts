/**
 * Intensity windowing of an image to [0, 1] before it is blended with a heatmap.
 */
import { ConfigError } from '@tumorxai/core';
import { percentile } from '../internal/percentile.js';

/**
 * How image intensities map to [0, 1]: `[low, high]` (clipped), `'minmax'` (the image's range),
 * or `{ percentiles: [p, q] }` (e.g. `[1, 99.5]` for MRI, linear interpolation as `np.percentile`).
 */
export type IntensityWindow =
  | readonly [number, number]
  | 'minmax'
  | { percentiles: readonly [number, number] };

/** Resolves a window to `[low, high]` for `values`. */
function bounds(fn: string, values: Float32Array, window: IntensityWindow): [number, number] {
  if (window === 'minmax') {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return [lo, hi];
  }
  if (Array.isArray(window)) return [window[0], window[1]];
  const p = (window as { percentiles?: readonly [number, number] }).percentiles;
  if (Array.isArray(p) && p.length === 2 && p[0] >= 0 && p[1] <= 100 && p[0] < p[1]) {
    const sorted = Float64Array.from(values).sort();
    return [percentile(sorted, p[0]), percentile(sorted, p[1])];
  }
  throw new ConfigError({
    fn,
    problem: 'unknown intensity window',
    expected: "[low, high], 'minmax' or { percentiles: [p, q] } with 0 <= p < q <= 100",
    got: window,
  });
}

/**
 * Maps `values` to [0, 1] in place (float32): `clip((v − low) / (high − low), 0, 1)`; a constant
 * window gives 0. Without a window the values must already lie in [0, 1].
 *
 * @throws {ConfigError} on a bad window, or on values outside [0, 1] without a window.
 */
export function applyWindow(
  fn: string,
  values: Float32Array,
  window?: IntensityWindow,
): Float32Array {
  if (window === undefined) {
    for (const v of values) {
      if (!(v >= 0 && v <= 1)) {
        throw new ConfigError({
          fn,
          problem: 'image intensities must lie in [0, 1] when no window is given',
          got: v,
          fix: "Pass window: 'minmax', [low, high] or { percentiles: [1, 99.5] }",
        });
      }
    }
    return values;
  }
  const [low, high] = bounds(fn, values, window);
  const range = high - low;
  for (let i = 0; i < values.length; i++) {
    const v = range > 0 ? (values[i]! - low) / range : 0;
    values[i] = Math.fround(Math.min(1, Math.max(0, v)));
  }
  return values;
}
