/**
 * Gaussian blur as in the SimCLR and BYOL code: a separable kernel of fixed size (10 % of the
 * image side), σ drawn per image, zero `SAME` padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tumorxai/core';
import {
  type AugmentationOp,
  applyWhere,
  assertImages,
  assertProbability,
  assertRange,
  drawMask,
} from './augmentation-op.js';

/** Options of {@link gaussianBlur}. */
export interface GaussianBlurOptions {
  /** σ range in pixels, sampled uniformly per image (default `[0.1, 2]`). */
  sigma?: number | readonly [number, number];
  /**
   * Kernel taps (odd). Default: `2·⌊H/20⌋ + 1`, i.e. SimCLR's radius `(H//10)//2` and BYOL's
   * `int(H/10/2)·2 + 1` — 23 taps at 224 px, 9 at 96 px.
   */
  kernelSize?: number;
  /** Probability of blurring an image (default 1; SimCLR 0.5, BYOL view 1: 1.0, view 2: 0.1). */
  p?: number;
}

/** Default kernel taps for an image of height `h` (see {@link GaussianBlurOptions.kernelSize}). */
export function defaultBlurKernelSize(h: number): number {
  return 2 * Math.floor(h / 20) + 1;
}

/** Normalised 1-D Gaussian taps: `exp(−x² / 2σ²)`, x ∈ [−r, r]. */
export function gaussianKernel(taps: number, sigma: number): Float32Array {
  const r = (taps - 1) / 2;
  const out = new Float32Array(taps);
  let sum = 0;
  for (let i = 0; i < taps; i++) {
    out[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
    sum += out[i]!;
  }
  for (let i = 0; i < taps; i++) out[i]! /= sum;
  return out;
}

/**
 * Blurs each image with probability `p` using a Gaussian of random σ.
 *
 * The batch is laid out as channels of one image (`[1, H, W, N·C]`) so one depthwise
 * convolution per axis applies a different kernel to every image. Zero padding darkens the
 * borders slightly, exactly like the SimCLR / BYOL TensorFlow code [Chen et al. 2020,
 * https://arxiv.org/abs/2002.05709; Grill et al. 2020, https://arxiv.org/abs/2006.07733].
 * Porting note: DINO / MoCo v3 / lightly use Pillow's box-blur approximation instead.
 *
 * @throws {ConfigError} on an even or non-positive kernel size or a bad σ range.
 * @example
 * ```ts
 * const blur = gaussianBlur({ sigma: [0.1, 2], p: 0.5 }); // SimCLR
 * ```
 */
export function gaussianBlur(options: GaussianBlurOptions = {}): AugmentationOp {
  const fn = 'gaussianBlur';
  const sigma = assertRange(fn, 'sigma', options.sigma ?? [0.1, 2], 0);
  if (sigma[0] <= 0)
    throw new ConfigError({ fn, problem: 'sigma must be positive', got: options.sigma });
  const p = assertProbability(fn, 'p', options.p ?? 1);
  const fixed = options.kernelSize;
  if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 1 || fixed % 2 === 0)) {
    throw new ConfigError({
      fn,
      problem: 'kernelSize must be a positive odd integer',
      got: fixed,
      fix: 'Use e.g. 23',
    });
  }
  return (images, rng) => {
    assertImages(fn, images);
    const mask = drawMask(images.shape[0], p, rng);
    const inner = rng.fork('sigma');
    return applyWhere(fn, images, mask, (subset) => {
      const [n, h, w, c] = subset.shape;
      const taps = fixed ?? defaultBlurKernelSize(h);
      const sigmas = Array.from({ length: n }, () => inner.uniform(sigma[0], sigma[1]));
      if (taps === 1) return tf.clone(subset);
      const channels = n * c;
      const weights = new Float32Array(taps * channels);
      sigmas.forEach((s, i) => {
        const k = gaussianKernel(taps, s);
        for (let ch = 0; ch < c; ch++) {
          for (let t = 0; t < taps; t++) weights[t * channels + i * c + ch] = k[t]!;
        }
      });
      // [N, H, W, C] → [1, H, W, N·C]
      const stacked = tf.reshape(tf.transpose(subset, [1, 2, 0, 3]), [
        1,
        h,
        w,
        channels,
      ]) as tf.Tensor4D;
      const vertical = tf.depthwiseConv2d(
        stacked,
        tf.tensor4d(weights, [taps, 1, channels, 1]),
        1,
        'same',
      );
      const both = tf.depthwiseConv2d(
        vertical,
        tf.tensor4d(weights, [1, taps, channels, 1]),
        1,
        'same',
      );
      return tf.transpose(tf.reshape(both, [h, w, n, c]), [2, 0, 1, 3]);
    });
  };
}
