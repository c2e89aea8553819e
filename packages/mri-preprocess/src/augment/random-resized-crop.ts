/**
 * Random resized crop (Inception-style; SimCLR, BYOL, DINO, MoCo v3 all start with it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Rng } from '@tumorxai/core';
import { resolveSize } from '../image/preprocess.js';
import { denseAxisWeights, type PixelBox } from '../image/resample.js';
import { type AugmentationOp, assertImages, assertRange } from './augmentation-op.js';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Output side or `[height, width]`. */
  size: number | readonly [number, number];
  /** Crop area as a fraction of the image, sampled uniformly (default `[0.08, 1]`). */
  scale?: readonly [number, number];
  /** Crop aspect ratio w/h, sampled log-uniformly (default `[3/4, 4/3]`). */
  ratio?: readonly [number, number];
  /**
   * `'bilinear'` (default): `tf.image.cropAndResize` with half-pixel centres, no antialiasing
   * (like TF's SimCLR code and torchvision tensors with `antialias=False`); fast.
   * `'bicubic'`: separable Keys cubic (a = −0.5) with antialiasing when shrinking, matching
   * Pillow (BYOL, DINO, MoCo v3 via torchvision on PIL images); one batched matmul per axis,
   * about `2·S·H·W` FLOPs per image, several times slower.
   */
  interpolation?: 'bilinear' | 'bicubic';
}

/**
 * Samples one crop box like torchvision `RandomResizedCrop.get_params`: up to 10 tries of
 * (area ∈ U(scale)·H·W, log-ratio ∈ U(log ratio)), rounding w and h; if none fits, a centre crop
 * with the ratio clamped to the range.
 */
export function sampleCropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): PixelBox {
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { x: rng.int(0, width - w), y: rng.int(0, height - h), width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), width: w, height: h };
}

/** Bilinear: edge-replicate by one pixel, then half-pixel-centred cropAndResize. */
function bilinear(images: tf.Tensor4D, boxes: PixelBox[], outH: number, outW: number): tf.Tensor4D {
  const [n, h, w] = images.shape;
  // One replicated border pixel makes samples that fall in [-0.5, 0) or (size-1, size-0.5]
  // clamp to the edge instead of reading cropAndResize's extrapolation value.
  const rows = tf.concat(
    [
      tf.slice(images, [0, 0, 0, 0], [-1, 1, -1, -1]),
      images,
      tf.slice(images, [0, h - 1, 0, 0], [-1, 1, -1, -1]),
    ],
    1,
  );
  const padded = tf.concat(
    [
      tf.slice(rows, [0, 0, 0, 0], [-1, -1, 1, -1]),
      rows,
      tf.slice(rows, [0, 0, w - 1, 0], [-1, -1, 1, -1]),
    ],
    2,
  );
  const coords = new Float32Array(n * 4);
  boxes.forEach((b, i) => {
    // Output pixel k samples source coordinate b.y + (k + 0.5)·b.h/outH − 0.5 (+1 for the pad).
    const y0 = b.y + (0.5 * b.height) / outH - 0.5 + 1;
    const y1 = b.y + ((outH - 0.5) * b.height) / outH - 0.5 + 1;
    const x0 = b.x + (0.5 * b.width) / outW - 0.5 + 1;
    const x1 = b.x + ((outW - 0.5) * b.width) / outW - 0.5 + 1;
    // cropAndResize maps normalised c to c·(size − 1) with size = padded size; a single output
    // row/column samples the box centre.
    coords.set(
      [
        outH === 1 ? (y0 + y1) / 2 / (h + 1) : y0 / (h + 1),
        outW === 1 ? (x0 + x1) / 2 / (w + 1) : x0 / (w + 1),
        outH === 1 ? (y0 + y1) / 2 / (h + 1) : y1 / (h + 1),
        outW === 1 ? (x0 + x1) / 2 / (w + 1) : x1 / (w + 1),
      ],
      i * 4,
    );
  });
  return tf.image.cropAndResize(
    padded,
    tf.tensor2d(coords, [n, 4]),
    tf.tensor1d(
      Int32Array.from({ length: n }, (_, i) => i),
      'int32',
    ),
    [outH, outW],
    'bilinear',
  );
}

/** Bicubic with antialiasing: out_i = Wy_i · X_i · Wx_iᵀ per image and channel. */
function bicubic(images: tf.Tensor4D, boxes: PixelBox[], outH: number, outW: number): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const wy = new Float32Array(n * c * outH * h);
  const wx = new Float32Array(n * c * outW * w);
  boxes.forEach((b, i) => {
    for (let ch = 0; ch < c; ch++) {
      const k = i * c + ch;
      denseAxisWeights(h, outH, 'bicubic', b.y, b.height, wy, k * outH * h);
      denseAxisWeights(w, outW, 'bicubic', b.x, b.width, wx, k * outW * w);
    }
  });
  // [N, H, W, C] → [N·C, H, W]
  const planes =
    c === 1
      ? tf.reshape(images, [n, h, w])
      : tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [n * c, h, w]);
  const rowsDone = tf.matMul(tf.tensor3d(wy, [n * c, outH, h]), planes);
  const out = tf.matMul(rowsDone, tf.tensor3d(wx, [n * c, outW, w]), false, true);
  return c === 1
    ? tf.reshape(out, [n, outH, outW, 1])
    : tf.transpose(tf.reshape(out, [n, c, outH, outW]), [0, 2, 3, 1]);
}

/**
 * Random resized crop: per image, a crop of random area and aspect ratio (torchvision
 * semantics, {@link sampleCropBox}) resized to `size`.
 *
 * Paper: Szegedy et al. 2015 (Inception); used as step 1 of SimCLR [Chen et al. 2020,
 * https://arxiv.org/abs/2002.05709], BYOL, DINO and MoCo v3. On MRI, consider `scale` ≥ 0.2:
 * small crops are often background (specs: single-channel MRI).
 *
 * @returns An op mapping `[N, H, W, C]` → `[N, size, size, C]`.
 * @throws {ConfigError} on invalid options (when created).
 * @example
 * ```ts
 * const crop = randomResizedCrop({ size: 224, scale: [0.2, 1], interpolation: 'bicubic' });
 * const out = crop(images, createRng(0)); // [N, 224, 224, 1]
 * ```
 */
export function randomResizedCrop(options: RandomResizedCropOptions): AugmentationOp {
  const fn = 'randomResizedCrop';
  const [outH, outW] = resolveSize(fn, options?.size);
  const scale = assertRange(fn, 'scale', options.scale ?? [0.08, 1], 0);
  const ratio = assertRange(fn, 'ratio', options.ratio ?? [3 / 4, 4 / 3], 0);
  if (scale[1] <= 0 || scale[0] > 1 || ratio[0] <= 0) {
    throw new ConfigError({
      fn,
      problem: 'scale must lie in (0, 1] and ratio be positive',
      got: { scale, ratio },
    });
  }
  const interpolation = options.interpolation ?? 'bilinear';
  if (interpolation !== 'bilinear' && interpolation !== 'bicubic') {
    throw new ConfigError({
      fn,
      problem: 'unknown interpolation',
      expected: 'bilinear | bicubic',
      got: interpolation,
    });
  }
  return (images, rng) => {
    assertImages(fn, images);
    const [n, h, w] = images.shape;
    const boxes = Array.from({ length: n }, () => sampleCropBox(h, w, scale, ratio, rng));
    return tf.tidy(() =>
      interpolation === 'bilinear'
        ? bilinear(images, boxes, outH, outW)
        : bicubic(images, boxes, outH, outW),
    );
  };
}
