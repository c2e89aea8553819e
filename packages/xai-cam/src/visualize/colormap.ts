/**
 * OpenCV's `COLORMAP_JET`, generated the way OpenCV builds it (imgproc/src/colormap.cpp), so
 * heatmaps are byte-identical to `cv2.applyColorMap(…, cv2.COLORMAP_JET)`.
 */
import { ConfigError } from '@tumorxai/core';

/** A colormap: `'jet'` (OpenCV's) or a custom 256-entry RGB table (768 bytes, row-major). */
export type Colormap = 'jet' | Uint8Array;

const f = Math.fround;

/** GNU Octave's `jet` (piecewise linear), which OpenCV stores as float literals. */
function octaveJet(x: number): [number, number, number] {
  const r = x < 3 / 8 ? 0 : x < 5 / 8 ? 4 * x - 1.5 : x < 7 / 8 ? 1 : -4 * x + 4.5;
  const g = x < 1 / 8 ? 0 : x < 3 / 8 ? 4 * x - 0.5 : x < 5 / 8 ? 1 : x < 7 / 8 ? -4 * x + 3.5 : 0;
  const b = x < 1 / 8 ? 4 * x + 0.5 : x < 3 / 8 ? 1 : x < 5 / 8 ? -4 * x + 2.5 : 0;
  return [f(r), f(g), f(b)];
}

/** Round half to even (`cvRound`, used by `convertTo(CV_8U)`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * OpenCV's `interp1` in float32 (its binary search takes the interval *ending* at an exact
 * grid point, so a table sampled on its own grid is not reproduced bit for bit — which is why
 * the table is not simply the rounded formula: entry 159's blue is 1, not 2).
 */
function interp1(x: Float32Array, y: Float32Array, xi: number): number {
  let low = 0;
  let high = x.length - 1;
  if (xi < x[low]!) high = 1;
  if (xi > x[high]!) low = high - 1;
  while (high - low > 1) {
    const c = low + ((high - low) >> 1);
    if (xi > x[c]!) low = c;
    else high = c;
  }
  const slope = f(f(f(xi - x[low]!) * f(y[high]! - y[low]!)) / f(x[high]! - x[low]!));
  return f(y[low]! + slope);
}

let jet: Uint8Array | undefined;

/**
 * The 256-entry RGB lookup table of a colormap (768 bytes: entry i is bytes 3i…3i+2). For
 * `'jet'`: OpenCV's table — Octave's piecewise-linear jet sampled on OpenCV's float32
 * `linspace(0, 1, 256)`, interpolated with OpenCV's `interp1`, scaled by 255 and rounded half to
 * even — e.g. 0 → (0,0,128), 128 → (130,255,126), 255 → (128,0,0). Not matplotlib's jet (up to
 * 33 levels apart).
 *
 * @returns A new copy the caller may modify.
 * @throws {ConfigError} for an unknown name or a custom table that is not 768 bytes.
 * @example
 * ```ts
 * const lut = colormapLut('jet');
 * lut.subarray(3 * 254, 3 * 255); // [132, 0, 0]
 * ```
 */
export function colormapLut(colormap: Colormap = 'jet'): Uint8Array {
  if (colormap instanceof Uint8Array) {
    if (colormap.length !== 768) {
      throw new ConfigError({
        fn: 'colormapLut',
        problem: 'a custom colormap must hold 256 RGB entries',
        expected: '768 bytes',
        got: colormap.length,
      });
    }
    return colormap.slice();
  }
  if (colormap !== 'jet') {
    throw new ConfigError({
      fn: 'colormapLut',
      problem: 'unknown colormap',
      expected: "'jet' or a Uint8Array of 768 bytes (256 RGB entries)",
      got: colormap,
    });
  }
  if (!jet) {
    const n = 256;
    const step = f(1 / (n - 1));
    const grid = new Float32Array(n);
    for (let i = 0; i < n; i++) grid[i] = f(i * step);
    const channels = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    for (let i = 0; i < n; i++) {
      octaveJet(i / (n - 1)).forEach((v, c) => {
        channels[c]![i] = v;
      });
    }
    jet = new Uint8Array(3 * n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const v = interp1(grid, channels[c]!, grid[i]!);
        jet[3 * i + c] = Math.min(255, Math.max(0, roundHalfEven(f(v * 255))));
      }
    }
  }
  return jet.slice();
}
