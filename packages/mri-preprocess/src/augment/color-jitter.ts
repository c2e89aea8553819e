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

/** Per-image mean used by contrast: the grey (luma) mean, as torchvision's `adjust_contrast`. */
function greyMean(x: tf.Tensor4D): tf.Tensor {
  const c = x.shape[3];
  if (c === 3)
    return tf.mean(tf.sum(tf.mul(x, tf.tensor1d([...LUMA_WEIGHTS])), 3, true), [1, 2, 3], true);
  return tf.mean(x, [1, 2, 3], true);
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

  const applyOne = (kind: Kind, x: tf.Tensor4D, f: tf.Tensor): tf.Tensor4D => {
    let y: tf.Tensor4D;
    if (kind === 'brightness') y = mode === 'additive' ? tf.add(x, f) : tf.mul(x, f);
    else if (kind === 'contrast') {
      const m = greyMean(x);
      y = tf.add(tf.mul(tf.sub(x, m), f), m);
    } else y = tf.pow(tf.relu(x), f);
    return clip ? tf.clipByValue(y, 0, 1) : y;
  };

  const jitter = (subset: tf.Tensor4D, rng: Rng): tf.Tensor4D => {
    const n = subset.shape[0];
    const factors = new Map(kinds.map((k) => [k, new Float32Array(n)]));
    const orders: string[] = [];
    for (let i = 0; i < n; i++) {
      for (const k of kinds) factors.get(k)![i] = rng.uniform(ranges[k]![0], ranges[k]![1]);
      // The order is always drawn, so `randomOrder` does not shift the other draws.
      const order = Array.from(rng.permutation(kinds.length)).join('');
      orders.push(randomOrder ? order : kinds.map((_, j) => j).join(''));
    }
    // Group images by order; each group runs its ops in sequence, then results are re-assembled.
    const groups = new Map<string, number[]>();
    orders.forEach((o, i) => {
      const list = groups.get(o);
      if (list) list.push(i);
      else groups.set(o, [i]);
    });
    const parts: tf.Tensor4D[] = [];
    const position = new Int32Array(n);
    let offset = 0;
    for (const [order, members] of groups) {
      const idx = tf.tensor1d(members, 'int32');
      let x = members.length === n ? subset : (tf.gather(subset, idx) as tf.Tensor4D);
      for (const digit of order) {
        const kind = kinds[Number(digit)]!;
        const f = tf.tensor4d(
          Float32Array.from(members, (i) => factors.get(kind)![i]!),
          [members.length, 1, 1, 1],
        );
        x = applyOne(kind, x, f);
      }
      parts.push(x);
      members.forEach((i, k) => {
        position[i] = offset + k;
      });
      offset += members.length;
    }
    if (parts.length === 1) return parts[0] === subset ? tf.clone(subset) : parts[0]!;
    return tf.gather(tf.concat(parts, 0), tf.tensor1d(position, 'int32')) as tf.Tensor4D;
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
    if (kinds.length === 0) return tf.clone(images);
    return applyWhere(fn, images, mask, (subset) => jitter(subset, inner));
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
