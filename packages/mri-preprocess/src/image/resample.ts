/**
 * Separable resampling with antialiasing, following Pillow's `ImagingResample` (the code behind
 * `PIL.Image.resize` and torchvision's `antialias=True`): when shrinking, the filter support is
 * widened by the scale factor so every input pixel contributes (no aliasing).
 */
import { ConfigError } from '@tumorxai/core';
import { assertGrayImage, type GrayImage } from './gray-image.js';

/** Interpolation filters. `area` is Pillow's box filter (pixel averaging when shrinking). */
export type Interpolation = 'nearest' | 'bilinear' | 'bicubic' | 'area';

export const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear', 'bicubic', 'area'];

interface Filter {
  support: number;
  weight(x: number): number;
}

const FILTERS: Record<Exclude<Interpolation, 'nearest'>, Filter> = {
  area: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    support: 2,
    // Keys cubic with a = -0.5, as in Pillow and torchvision.
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
};

/** Sparse resampling weights along one axis: output i reads `count[i]` inputs from `first[i]`. */
export interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  /** `[outSize, taps]`, row i holds the normalised weights of output i. */
  weights: Float32Array;
  taps: number;
}

/** Checks an interpolation name. */
export function assertInterpolation(fn: string, interpolation: unknown): Interpolation {
  if (!INTERPOLATIONS.includes(interpolation as Interpolation)) {
    throw new ConfigError({
      fn,
      problem: 'unknown interpolation',
      expected: INTERPOLATIONS.join(' | '),
      got: interpolation,
    });
  }
  return interpolation as Interpolation;
}

/**
 * Weights mapping the input window `[start, start + extent)` of an axis of `inSize` pixels onto
 * `outSize` output pixels (pixel centres at `i + 0.5`). Taps are clipped to that window and
 * renormalised, as when Pillow resizes a cropped image.
 */
export function axisWeights(
  inSize: number,
  outSize: number,
  interpolation: Interpolation,
  start = 0,
  extent = inSize,
): AxisWeights {
  const scale = extent / outSize;
  const lo = Math.max(0, Math.floor(start));
  const hi = Math.min(inSize, Math.ceil(start + extent));
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  if (interpolation === 'nearest') {
    const weights = new Float32Array(outSize).fill(1);
    for (let i = 0; i < outSize; i++) {
      first[i] = Math.min(hi - 1, Math.max(lo, Math.floor(start + (i + 0.5) * scale)));
      count[i] = 1;
    }
    return { first, count, weights, taps: 1 };
  }
  const filter = FILTERS[interpolation];
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const weights = new Float32Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const center = start + (i + 0.5) * scale;
    const xmin = Math.max(lo, Math.trunc(center - support + 0.5));
    const xmax = Math.min(hi, Math.trunc(center + support + 0.5));
    let total = 0;
    const n = Math.max(0, xmax - xmin);
    for (let k = 0; k < n; k++) {
      const w = filter.weight((xmin + k - center + 0.5) / filterScale);
      weights[i * taps + k] = w;
      total += w;
    }
    if (total === 0) {
      // Degenerate window (can happen for `area` at extreme upscaling): nearest pixel.
      const nearest = Math.min(hi - 1, Math.max(lo, Math.floor(center)));
      first[i] = nearest;
      count[i] = 1;
      weights[i * taps] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[i * taps + k]! /= total;
    first[i] = xmin;
    count[i] = n;
  }
  return { first, count, weights, taps };
}

/** The same weights as a dense `[outSize, inSize]` row-major matrix (for batched matmuls). */
export function denseAxisWeights(
  inSize: number,
  outSize: number,
  interpolation: Interpolation,
  start = 0,
  extent = inSize,
  out = new Float32Array(outSize * inSize),
  offset = 0,
): Float32Array {
  const { first, count, weights, taps } = axisWeights(
    inSize,
    outSize,
    interpolation,
    start,
    extent,
  );
  for (let i = 0; i < outSize; i++) {
    const row = offset + i * inSize;
    for (let k = 0; k < count[i]!; k++) out[row + first[i]! + k] = weights[i * taps + k]!;
  }
  return out;
}

/** A source window in pixels: `x`, `y` of the top-left corner, `width`, `height`. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Resamples `image` (or the window `box` of it) to `width × height`.
 *
 * @returns A new image; the input is not modified.
 * @throws {ConfigError} on a non-positive size or an unknown interpolation.
 * @example
 * ```ts
 * const small = resizeImage(image, { width: 224, height: 224, interpolation: 'area' });
 * ```
 */
export function resizeImage(
  image: GrayImage,
  options: { width: number; height: number; interpolation?: Interpolation; box?: PixelBox },
): GrayImage {
  assertGrayImage('resizeImage', image);
  const { width, height } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ConfigError({
      fn: 'resizeImage',
      problem: 'width and height must be positive integers',
      got: { width, height },
    });
  }
  const interpolation = assertInterpolation('resizeImage', options.interpolation ?? 'bilinear');
  const box = options.box ?? { x: 0, y: 0, width: image.width, height: image.height };
  const wx = axisWeights(image.width, width, interpolation, box.x, box.width);
  const wy = axisWeights(image.height, height, interpolation, box.y, box.height);
  // Pass 1: rows that any output row reads, resampled horizontally.
  const rowLo = wy.first.reduce((m, v) => Math.min(m, v), image.height);
  let rowHi = 0;
  for (let i = 0; i < height; i++) rowHi = Math.max(rowHi, wy.first[i]! + wy.count[i]!);
  const tmp = new Float32Array((rowHi - rowLo) * width);
  const src = image.data;
  for (let y = rowLo; y < rowHi; y++) {
    const srcRow = y * image.width;
    const dstRow = (y - rowLo) * width;
    for (let x = 0; x < width; x++) {
      const f = wx.first[x]!;
      const base = x * wx.taps;
      let acc = 0;
      for (let k = 0; k < wx.count[x]!; k++) acc += src[srcRow + f + k]! * wx.weights[base + k]!;
      tmp[dstRow + x] = acc;
    }
  }
  // Pass 2: vertical.
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const f = wy.first[y]! - rowLo;
    const base = y * wy.taps;
    const n = wy.count[y]!;
    const dst = y * width;
    for (let k = 0; k < n; k++) {
      const w = wy.weights[base + k]!;
      const srcRow = (f + k) * width;
      for (let x = 0; x < width; x++) out[dst + x]! += tmp[srcRow + x]! * w;
    }
  }
  return { data: out, width, height };
}
