/**
 * Frozen forward passes: a backbone's features for a set of images.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { type LongRunningOptions, nextTick, ProgressMeter, throwIfAborted } from './progress.js';

/** Images to embed: a batch tensor, or a dataset tensor with the indices to use. */
export type FeatureInput = tf.Tensor4D | { images: tf.Tensor4D; indices?: ArrayLike<number> };

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions extends LongRunningOptions {
  /** Images per forward pass (default 64). */
  batchSize?: number;
  /**
   * Deterministic test-time transform applied to each batch before the backbone (default none),
   * e.g. a centre crop. Runs in a tidy; must not dispose its input.
   */
  transform?: (images: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * The backbone's output for every selected image, with BatchNorm in inference mode (running
 * statistics, never updated) — the features of linear evaluation and k-NN (spec §6).
 *
 * Batches are gathered, embedded and downloaded one at a time, so memory stays at one batch of
 * activations; the result is assembled on the host and uploaded once.
 *
 * @param backbone A model mapping `[B, H, W, C]` to `[B, d]` (e.g. `createResNet(...)` without
 *   top, or `method.exportBackbone()`); not modified.
 * @param input A `[N, H, W, C]` tensor, or `{ images, indices }` to embed a subset in the order of
 *   `indices`. Not disposed.
 * @returns Features `[N', d]`, a new tensor owned by the caller.
 * @throws {ShapeError} when the backbone does not output `[B, d]` or the input is not NHWC.
 * @throws {ConfigError} for a bad batch size.
 * @throws {AbortError} when `signal` fires.
 * @example
 * ```ts
 * const features = await extractFeatures(simclr.exportBackbone(), { images, indices: split.test.indices });
 * features.shape; // [split.test.indices.length, 512]
 * ```
 */
export async function extractFeatures(
  backbone: tfl.LayersModel,
  input: FeatureInput,
  options: ExtractFeaturesOptions = {},
): Promise<tf.Tensor2D> {
  const fn = 'extractFeatures';
  const images = input instanceof tf.Tensor ? input : input?.images;
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new ShapeError({
      fn,
      problem: 'images must be an NHWC tensor',
      expected: '[N, H, W, C]',
      got: images instanceof tf.Tensor ? JSON.stringify(images.shape) : typeof images,
    });
  }
  const outShape = backbone?.outputs?.[0]?.shape;
  if (outShape?.length !== 2 || typeof outShape[1] !== 'number') {
    throw new ShapeError({
      fn,
      problem: 'the backbone must output features [B, d]',
      got: outShape ? JSON.stringify(outShape) : 'no model',
      fix: 'Use a backbone that ends in global average pooling, e.g. createResNet({ depth: 50 })',
    });
  }
  const dim = outShape[1];
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConfigError({ fn, problem: 'batchSize must be a positive integer', got: batchSize });
  }
  const all = images.shape[0];
  const indices =
    input instanceof tf.Tensor || input.indices === undefined
      ? null
      : Int32Array.from(input.indices);
  const n = indices?.length ?? all;
  if (indices?.some((i) => !(i >= 0 && i < all))) {
    throw new ShapeError({
      fn,
      problem: 'indices must point inside images',
      expected: `0..${all - 1}`,
    });
  }
  const out = new Float32Array(n * dim);
  const batches = Math.ceil(n / batchSize);
  const meter = new ProgressMeter('features', batches, options.onProgress);
  for (let b = 0; b < batches; b++) {
    throwIfAborted(fn, options.signal, `after ${b} of ${batches} batches`);
    const start = b * batchSize;
    const end = Math.min(n, start + batchSize);
    const features = tf.tidy(() => {
      let x: tf.Tensor4D = indices
        ? tf.gather(images, tf.tensor1d(indices.subarray(start, end), 'int32'))
        : tf.slice(images, [start, 0, 0, 0], [end - start, -1, -1, -1]);
      if (options.transform) x = options.transform(x);
      return backbone.apply(x, { training: false }) as tf.Tensor;
    });
    try {
      out.set(await features.data(), start * dim);
    } finally {
      features.dispose();
    }
    meter.tick(b + 1, end - start);
    await nextTick();
  }
  return tf.tensor2d(out, [n, dim]);
}
