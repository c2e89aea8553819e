/**
 * The in-memory 2-D image used before images become tensors: one float32 channel, row-major.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';

/**
 * A single-channel image: `data[y * width + x]`, float32, usually in [0, 1].
 * Plain data (no tensors), so preprocessing steps need no disposal.
 */
export interface GrayImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** Checks that `image` is a well-formed {@link GrayImage}. */
export function assertGrayImage(fn: string, image: GrayImage): void {
  if (
    !image ||
    !(image.data instanceof Float32Array) ||
    !Number.isInteger(image.width) ||
    !Number.isInteger(image.height) ||
    image.width < 1 ||
    image.height < 1 ||
    image.data.length !== image.width * image.height
  ) {
    throw new ShapeError({
      fn,
      problem:
        'image must be { data: Float32Array, width, height } with data.length = width × height',
      got: image
        ? { width: image.width, height: image.height, length: image.data?.length }
        : String(image),
    });
  }
}

/**
 * Stacks same-sized images into an NHWC float32 tensor, replicating the channel `channels` times
 * (3 for ImageNet-shaped stems such as a torchvision ResNet's `conv1`).
 *
 * @param images Images of identical size.
 * @param channels 1 (default) or 3.
 * @returns `[N, H, W, channels]` float32, owned by the caller.
 * @throws {ShapeError} when the list is empty or sizes differ.
 * @throws {ConfigError} when `channels` is not 1 or 3.
 * @example
 * ```ts
 * const batch = imagesToTensor(slices.map((s) => preprocessImage(s, { size: 224 })), 3);
 * ```
 */
export function imagesToTensor(images: readonly GrayImage[], channels: 1 | 3 = 1): tf.Tensor4D {
  if (channels !== 1 && channels !== 3) {
    throw new ConfigError({
      fn: 'imagesToTensor',
      problem: 'channels must be 1 or 3',
      got: channels,
    });
  }
  if (images.length === 0) {
    throw new ShapeError({
      fn: 'imagesToTensor',
      problem: 'no images to stack',
      fix: 'Pass at least one image',
    });
  }
  const { width, height } = images[0]!;
  const plane = width * height;
  const out = new Float32Array(images.length * plane * channels);
  images.forEach((image, n) => {
    assertGrayImage('imagesToTensor', image);
    if (image.width !== width || image.height !== height) {
      throw new ShapeError({
        fn: 'imagesToTensor',
        problem: `image ${n} has a different size from image 0`,
        expected: `${width}×${height}`,
        got: `${image.width}×${image.height}`,
        fix: 'Resize every image to the same size first (preprocessImage with `size`)',
      });
    }
    writeChannels(image.data, out, n * plane * channels, channels);
  });
  return tf.tensor4d(out, [images.length, height, width, channels], 'float32');
}

/** Copies one plane into an interleaved NHWC buffer at `offset`, repeated `channels` times. */
export function writeChannels(
  plane: Float32Array,
  out: Float32Array,
  offset: number,
  channels: number,
): void {
  if (channels === 1) {
    out.set(plane, offset);
    return;
  }
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i]!;
    for (let c = 0; c < channels; c++) out[offset + i * channels + c] = v;
  }
}

/**
 * Repeats the last axis of a single-channel NHWC batch `channels` times (grey → RGB-shaped).
 *
 * @param images `[N, H, W, 1]`; not disposed.
 * @returns `[N, H, W, channels]`, owned by the caller.
 * @throws {ShapeError} when `images` is not rank 4 with one channel.
 * @example
 * ```ts
 * const rgb = replicateChannels(grey, 3); // feed an ImageNet-initialised ResNet
 * ```
 */
export function replicateChannels(images: tf.Tensor4D, channels = 3): tf.Tensor4D {
  if (images.rank !== 4 || images.shape[3] !== 1) {
    throw new ShapeError({
      fn: 'replicateChannels',
      problem: 'images must be a single-channel NHWC batch',
      expected: '[N, H, W, 1]',
      got: images.shape,
    });
  }
  if (!Number.isInteger(channels) || channels < 1) {
    throw new ConfigError({
      fn: 'replicateChannels',
      problem: 'channels must be a positive integer',
      got: channels,
    });
  }
  return tf.tidy(() => tf.tile(images, [1, 1, 1, channels]));
}
