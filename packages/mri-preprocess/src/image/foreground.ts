/**
 * Crop to the head: the bounding box of the foreground (pixels brighter than a fraction of the
 * image's range), grown by a margin. MRI exports often have wide black borders; cropping first
 * lets the resize spend its pixels on anatomy.
 */
import { ConfigError } from '@tumorxai/core';
import { assertGrayImage, type GrayImage } from './gray-image.js';
import type { PixelBox } from './resample.js';

/** Options of {@link foregroundBox} and {@link cropToForeground}. */
export interface ForegroundOptions {
  /**
   * Foreground threshold as a fraction of the image's [min, max] range (default 0.1): a pixel is
   * foreground when `x > min + threshold × (max − min)`.
   */
  threshold?: number;
  /** Margin added on each side, as a fraction of the box's width / height (default 0.05). */
  margin?: number;
  /**
   * A row (column) belongs to the box only when at least this fraction of its pixels is
   * foreground (default 0.02). Ignores isolated noise and thin burnt-in text.
   */
  minFraction?: number;
}

function check(options: ForegroundOptions): Required<ForegroundOptions> {
  const threshold = options.threshold ?? 0.1;
  const margin = options.margin ?? 0.05;
  const minFraction = options.minFraction ?? 0.02;
  for (const [name, value, max] of [
    ['threshold', threshold, 1],
    ['margin', margin, 10],
    ['minFraction', minFraction, 1],
  ] as const) {
    if (!(value >= 0 && value < max)) {
      throw new ConfigError({
        fn: 'foregroundBox',
        problem: `${name} is out of range`,
        expected: `a number in [0, ${max})`,
        got: value,
      });
    }
  }
  return { threshold, margin, minFraction };
}

/**
 * The foreground bounding box of `image`, with margin, clipped to the image.
 *
 * @returns The box in pixels, or `null` when the image is constant or has no foreground.
 * @throws {ConfigError} on out-of-range options.
 * @example
 * ```ts
 * const box = foregroundBox(image, { threshold: 0.1, margin: 0.05 });
 * ```
 */
export function foregroundBox(image: GrayImage, options: ForegroundOptions = {}): PixelBox | null {
  assertGrayImage('foregroundBox', image);
  const { threshold, margin, minFraction } = check(options);
  const { data, width, height } = image;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return null;
  const cut = min + threshold * (max - min);
  const rows = new Int32Array(height);
  const cols = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! > cut) {
        rows[y]!++;
        cols[x]!++;
      }
    }
  }
  const span = (counts: Int32Array, length: number): [number, number] | null => {
    const need = Math.max(1, Math.ceil(minFraction * length));
    let lo = 0;
    while (lo < counts.length && counts[lo]! < need) lo++;
    let hi = counts.length - 1;
    while (hi >= lo && counts[hi]! < need) hi--;
    return lo <= hi ? [lo, hi + 1] : null;
  };
  const ys = span(rows, width);
  const xs = span(cols, height);
  if (!ys || !xs) return null;
  const padY = Math.round(margin * (ys[1] - ys[0]));
  const padX = Math.round(margin * (xs[1] - xs[0]));
  const y0 = Math.max(0, ys[0] - padY);
  const y1 = Math.min(height, ys[1] + padY);
  const x0 = Math.max(0, xs[0] - padX);
  const x1 = Math.min(width, xs[1] + padX);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Copies the window `box` out of `image`. */
export function cropImage(image: GrayImage, box: PixelBox): GrayImage {
  assertGrayImage('cropImage', image);
  const { x, y, width, height } = box;
  if (
    ![x, y, width, height].every(Number.isInteger) ||
    x < 0 ||
    y < 0 ||
    width < 1 ||
    height < 1 ||
    x + width > image.width ||
    y + height > image.height
  ) {
    throw new ConfigError({
      fn: 'cropImage',
      problem: 'box must be an integer window inside the image',
      expected: `inside ${image.width}×${image.height}`,
      got: box,
    });
  }
  const out = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    out.set(
      image.data.subarray((y + r) * image.width + x, (y + r) * image.width + x + width),
      r * width,
    );
  }
  return { data: out, width, height };
}

/**
 * Crops `image` to its foreground box ({@link foregroundBox}); returns an unchanged copy when
 * there is no foreground.
 *
 * @example
 * ```ts
 * const head = cropToForeground(image, { margin: 0.05 });
 * ```
 */
export function cropToForeground(image: GrayImage, options: ForegroundOptions = {}): GrayImage {
  const box = foregroundBox(image, options);
  return box
    ? cropImage(image, box)
    : { data: Float32Array.from(image.data), width: image.width, height: image.height };
}
