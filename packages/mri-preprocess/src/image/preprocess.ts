/**
 * The preprocessing pipeline applied to every decoded image before it becomes a tensor:
 * crop to the head (optional) → resize (keep aspect + pad, or stretch) → normalise intensities.
 * Each step is also exported on its own ({@link cropToForeground}, {@link resizeImage},
 * {@link normalizeIntensity}); channel replication happens when stacking ({@link imagesToTensor}).
 */
import { ConfigError } from '@tumorxai/core';
import { cropToForeground, type ForegroundOptions } from './foreground.js';
import { assertGrayImage, type GrayImage } from './gray-image.js';
import { type IntensityNormalization, NORMALIZATIONS, normalizeIntensity } from './intensity.js';
import { assertInterpolation, type Interpolation, resizeImage } from './resample.js';

/** How an image is fitted into the target size. */
export type ResizeMode = 'pad' | 'stretch';

/** Options of {@link preprocessImage}. Serialisable: they are part of the cache key. */
export interface PreprocessOptions {
  /** Output size: a side length, or `[height, width]`. */
  size: number | readonly [number, number];
  /**
   * `'pad'` (default): keep the aspect ratio, fit inside the size and centre on a black (0)
   * canvas. `'stretch'`: resize each axis independently (distorts anatomy).
   */
  resize?: ResizeMode;
  /** Resampling filter (default `'bilinear'`, antialiased when shrinking like Pillow). */
  interpolation?: Interpolation;
  /** Crop to the foreground box first: `true` for the defaults, or options (default `false`). */
  cropToForeground?: boolean | ForegroundOptions;
  /** Intensity normalisation after resizing (default `'minmax'`, giving [0, 1]). */
  normalize?: IntensityNormalization;
  /** Percentiles for `normalize: 'percentile'` (default `[1, 99]`). */
  percentiles?: readonly [number, number];
}

/** Resolves `size` to `[height, width]` and checks it. */
export function resolveSize(fn: string, size: unknown): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : size;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => Number.isInteger(v) && v >= 1 && v <= 8192)
  ) {
    throw new ConfigError({
      fn,
      problem: 'size must be a positive integer or [height, width]',
      got: size,
      fix: 'Pass e.g. { size: 224 }',
    });
  }
  return [pair[0], pair[1]];
}

/** Validates options and fills defaults (used for cache keys too). */
export function resolvePreprocessOptions(
  fn: string,
  options: PreprocessOptions,
): Required<Omit<PreprocessOptions, 'size' | 'cropToForeground'>> & {
  size: [number, number];
  cropToForeground: false | ForegroundOptions;
} {
  if (!options || typeof options !== 'object') {
    throw new ConfigError({ fn, problem: 'options are required', expected: '{ size }' });
  }
  const resize = options.resize ?? 'pad';
  if (resize !== 'pad' && resize !== 'stretch') {
    throw new ConfigError({
      fn,
      problem: 'unknown resize mode',
      expected: 'pad | stretch',
      got: resize,
    });
  }
  const normalize = options.normalize ?? 'minmax';
  if (!NORMALIZATIONS.includes(normalize)) {
    throw new ConfigError({
      fn,
      problem: 'unknown normalisation',
      expected: NORMALIZATIONS.join(' | '),
      got: normalize,
    });
  }
  const crop = options.cropToForeground ?? false;
  return {
    size: resolveSize(fn, options.size),
    resize,
    interpolation: assertInterpolation(fn, options.interpolation ?? 'bilinear'),
    cropToForeground: crop === true ? {} : crop === false ? false : { ...crop },
    normalize,
    percentiles: options.percentiles ?? [1, 99],
  };
}

/**
 * Runs the preprocessing pipeline on one image.
 *
 * @param image A decoded image ({@link decodeImage}) or an extracted slice.
 * @returns A new `size`-sized image; the input is not modified.
 * @throws {ConfigError} on invalid options.
 * @example
 * ```ts
 * const ready = preprocessImage(await decodeImage('scan.jpg'), {
 *   size: 224, resize: 'pad', cropToForeground: true, normalize: 'percentile',
 * });
 * ```
 */
export function preprocessImage(image: GrayImage, options: PreprocessOptions): GrayImage {
  assertGrayImage('preprocessImage', image);
  const o = resolvePreprocessOptions('preprocessImage', options);
  const [outH, outW] = o.size;
  let current = o.cropToForeground ? cropToForeground(image, o.cropToForeground) : image;
  if (o.resize === 'stretch') {
    current = resizeImage(current, { width: outW, height: outH, interpolation: o.interpolation });
  } else {
    const scale = Math.min(outW / current.width, outH / current.height);
    const w = Math.min(outW, Math.max(1, Math.round(current.width * scale)));
    const h = Math.min(outH, Math.max(1, Math.round(current.height * scale)));
    const fitted = resizeImage(current, { width: w, height: h, interpolation: o.interpolation });
    if (w === outW && h === outH) {
      current = fitted;
    } else {
      const canvas = new Float32Array(outW * outH);
      const x0 = Math.floor((outW - w) / 2);
      const y0 = Math.floor((outH - h) / 2);
      for (let r = 0; r < h; r++) {
        canvas.set(fitted.data.subarray(r * w, (r + 1) * w), (y0 + r) * outW + x0);
      }
      current = { data: canvas, width: outW, height: outH };
    }
  }
  return normalizeIntensity(current, { method: o.normalize, percentiles: o.percentiles });
}
