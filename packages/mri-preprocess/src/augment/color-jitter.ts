/**
 * Intensity jitter for single-channel MRI: brightness, contrast and gamma in a random order per
 * image. Saturation, hue and grayscale are colour-only: on one channel they are the identity.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Rng } from '@tumorxai/core';
import { LUMA_WEIGHTS } from '../image/decode-image.js';
import { warnOnce } from '../internal/warn-once.js';
import {
  type AugmentationOp,
  applyWhere,
  assertImages,
  assertProbability,
  assertRange,
  drawMask,
} from './augmentation-op.js';

/**
 * Augmentations of the SSL recipes that do nothing on single-channel MRI, and why
 * (specs: "Single-channel MRI: what carries over"). The ops accept them and warn once.
 */
export const MRI_NO_OP_AUGMENTATIONS = {
  saturation: 'blends each pixel with its own grey value: identity when all channels are equal',
  hue: 'rotates the colour angle of an achromatic pixel: identity when all channels are equal',
  grayscale: 'converts to luma: identity on one channel (its "colour drop" role disappears)',
} as const;

/** Options of {@link colorJitter}. A number `v` means the range given in each field's doc. */
export interface ColorJitterOptions {
  /** Multiplicative factor `[max(0, 1 − v), 1 + v]`, or additive offset `[−v, v]`. Default 0 (off). */
  brightness?: number | readonly [number, number];
  /** Factor `f` of `(x − mean) · f + mean`, range `[max(0, 1 − v), 1 + v]`. Default 0 (off). */
  contrast?: number | readonly [number, number];
  /** Exponent `γ` of `x^γ`, range `[max(0.05, 1 − v), 1 + v]`. Default 0 (off). */
  gamma?: number | readonly [number, number];
  /** Accepted for recipe parity; a no-op on MRI (warns once when non-zero). */
  saturation?: number | readonly [number, number];
  /** Accepted for recipe parity; a no-op on MRI (warns once when non-zero). */
  hue?: number | readonly [number, number];
  /**
   * `'multiplicative'` (default; torchvision, SimCLR v2 code) or `'additive'` (`tf.image.
   * random_brightness`; BYOL, SimCLR v1).
   */
  brightnessMode?: 'multiplicative' | 'additive';
  /** Random order of the enabled ops per image (default true), as in SimCLR and BYOL. */
  randomOrder?: boolean;
  /** Clip to [0, 1] after each op (default true), as torchvision and BYOL do. */
  clip?: boolean;
  /** Probability of jittering an image (default 1; the recipes use 0.8). */
  p?: number;
}

type Kind = 'brightness' | 'contrast' | 'gamma';

function factorRange(
  fn: string,
  name: string,
  value: unknown,
  floor: number,
  additive = false,
): [number, number] | null {
  if (value === undefined || value === 0) return null;
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new ConfigError({
        fn,
        problem: `${name} must be a non-negative number or [low, high]`,
        got: value,
      });
    }
    return additive ? [-value, value] : [Math.max(floor, 1 - value), 1 + value];
  }
  return assertRange(fn, name, value, additive ? Number.NEGATIVE_INFINITY : floor);
}

/**
 * Colour (intensity) jitter, per image: each enabled op draws its own factor, the ops run in a
 * random order, and the result is clipped to [0, 1] after each op.
 *
 * SimCLR: brightness 0.8, contrast 0.8, p 0.8 [Chen et al. 2020, https://arxiv.org/abs/2002.05709];
 * BYOL / MoCo v3 / DINO: 0.4, 0.4, p 0.8, additive brightness in BYOL. Gamma is an MRI-friendly
 * addition (a physically closer intensity change). Saturation and hue are identities on one
 * channel: they are accepted so recipes port unchanged, and a warning says they do nothing.
 * Expects images in [0, 1] (apply before z-scoring).
 *
 * @throws {ConfigError} on invalid ranges (when created).
 * @example
 * ```ts
 * const jitter = colorJitter({ brightness: 0.8, contrast: 0.8, gamma: 0.3, p: 0.8 });
 * ```
 */
export function colorJitter(options: ColorJitterOptions = {}): AugmentationOp {
  const fn = 'colorJitter';
  const mode = options.brightnessMode ?? 'multiplicative';
  if (mode !== 'multiplicative' && mode !== 'additive') {
    throw new ConfigError({
      fn,
      problem: 'unknown brightnessMode',
      expected: 'multiplicative | additive',
      got: mode,
    });
  }
  const ranges: Partial<Record<Kind, [number, number]>> = {};
  const b = factorRange(fn, 'brightness', options.brightness, 0, mode === 'additive');
  const c = factorRange(fn, 'contrast', options.contrast, 0);
  const g = factorRange(fn, 'gamma', options.gamma, 0.05);
  if (b) ranges.brightness = b;
  if (c) ranges.contrast = c;
  if (g) ranges.gamma = g;
  const kinds = (['brightness', 'contrast', 'gamma'] as const).filter((k) => ranges[k]);
  const noOps = (['saturation', 'hue'] as const).filter(
    (k) => factorRange(fn, k, options[k], 0) !== null,
  );
  const p = assertProbability(fn, 'p', options.p ?? 1);
  const randomOrder = options.randomOrder ?? true;
  const clip = options.clip ?? true;

  // Porting note: torchvision/SimCLR jitter one image at a time. Here the batch is laid out as
  // [P, N] (pixels × images) so per-image parameters broadcast along the last axis, which is fast
  // on every backend (tfjs's cpu backend is ~10× slower for leading-axis broadcasts). Each
  // position k of the random order is one fused pass: image i applies the op it drew for
  // position k, written as y = (a·x + b)^γ (brightness: a = f or b = δ; contrast: a = f,
  // b = m·(1 − f) with m the current grey mean; gamma: γ), then clips. Images left out by `p`
  // are restored exactly at the end.
  const jitter = (images: tf.Tensor4D, mask: boolean[], rng: Rng): tf.Tensor4D => {
    const [n, h, w, c] = images.shape;
    const factors = new Map(kinds.map((k) => [k, new Float32Array(n)]));
    const orders: number[][] = [];
    for (let i = 0; i < n; i++) {
      for (const k of kinds) factors.get(k)![i] = rng.uniform(ranges[k]![0], ranges[k]![1]);
      // The order is always drawn, so `randomOrder` does not shift the other draws.
      const order = Array.from(rng.permutation(kinds.length));
      orders.push(randomOrder ? order : kinds.map((_, j) => j));
    }
    const pixels = h * w * c;
    const weights = new Float32Array(pixels);
    for (let q = 0; q < pixels; q++)
      weights[q] = (c === 3 ? LUMA_WEIGHTS[q % 3]! : 1 / c) / (h * w);
    const source = tf.transpose(tf.reshape(images, [n, pixels])) as tf.Tensor2D;
    let x = source;
    for (let position = 0; position < kinds.length; position++) {
      const a = new Float32Array(n).fill(1);
      const b = new Float32Array(n);
      const meanScale = new Float32Array(n); // b += m · meanScale (contrast)
      const gamma = new Float32Array(n).fill(1);
      const isGamma = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        if (!mask[i]) continue;
        const kind = kinds[orders[i]![position]!]!;
        const f = factors.get(kind)![i]!;
        if (kind === 'brightness' && mode === 'additive') b[i] = f;
        else if (kind === 'brightness') a[i] = f;
        else if (kind === 'contrast') [a[i], meanScale[i]] = [f, 1 - f];
        else [gamma[i], isGamma[i]] = [f, 1];
      }
      // Each pass is skipped when no image needs it (every pass costs a full sweep on cpu).
      let y: tf.Tensor2D = a.some((v) => v !== 1) ? tf.mul(x, tf.tensor1d(a)) : x;
      if (meanScale.some((v) => v !== 0)) {
        const m = tf.reshape(tf.matMul(tf.tensor2d(weights, [1, pixels]), x), [-1]);
        y = tf.add(y, tf.add(tf.tensor1d(b), tf.mul(m, tf.tensor1d(meanScale))));
      } else if (b.some((v) => v !== 0)) {
        y = tf.add(y, tf.tensor1d(b));
      }
      if (isGamma.some((v) => v !== 0)) {
        const powered = tf.pow(tf.relu(y), tf.tensor1d(gamma)) as tf.Tensor2D;
        // With clipping, relu(y)^1 then clip equals clip(y): no blend needed for other images.
        y = clip ? powered : tf.add(y, tf.mul(tf.sub(powered, y), tf.tensor1d(isGamma)));
      }
      x = clip ? tf.clipByValue(y, 0, 1) : y;
    }
    if (mask.some((m) => !m)) {
      const keep = tf.tensor1d(Float32Array.from(mask, (m) => (m ? 1 : 0)));
      x = tf.add(tf.mul(x, keep), tf.mul(source, tf.sub(1, keep)));
    }
    return tf.reshape(tf.transpose(x), [n, h, w, c]);
  };

  return (images, rng) => {
    assertImages(fn, images);
    for (const k of noOps) {
      warnOnce(
        `colorJitter.${k}`,
        `colorJitter: ${k} is a no-op on single-channel MRI (${MRI_NO_OP_AUGMENTATIONS[k]}); it is ignored.`,
      );
    }
    const mask = drawMask(images.shape[0], p, rng);
    const inner = rng.fork('jitter');
    if (kinds.length === 0 || !mask.some(Boolean)) return tf.clone(images);
    return tf.tidy(() => jitter(images, mask, inner));
  };
}

/**
 * Random grayscale (SimCLR, BYOL p = 0.2): on one channel, or channels that are all equal, it is
 * the identity and warns once; on 3 channels it replaces each selected image by its BT.601 luma
 * repeated 3 times.
 *
 * @example
 * ```ts
 * const grey = randomGrayscale({ p: 0.2 }); // no-op on [N, H, W, 1]
 * ```
 */
export function randomGrayscale(options: { p?: number } = {}): AugmentationOp {
  const p = assertProbability('randomGrayscale', 'p', options.p ?? 0.2);
  return (images, rng) => {
    assertImages('randomGrayscale', images);
    const mask = drawMask(images.shape[0], p, rng);
    if (images.shape[3] !== 3) {
      warnOnce(
        'randomGrayscale',
        `randomGrayscale: ${MRI_NO_OP_AUGMENTATIONS.grayscale}; it is ignored.`,
      );
      return tf.clone(images);
    }
    return applyWhere(
      'randomGrayscale',
      images,
      mask,
      (subset) =>
        tf.tile(
          tf.sum(tf.mul(subset, tf.tensor1d([...LUMA_WEIGHTS])), 3, true),
          [1, 1, 1, 3],
        ) as tf.Tensor4D,
    );
  };
}
