/**
 * PNG encoding of overlays and maps (through `fast-png`, a pure-JS encoder that runs in Node and
 * browsers).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tumorxai/core';

/**
 * Encodes an image as PNG (8 bits per channel, no alpha premultiplication).
 *
 * - int32 / uint-valued tensors are written as they are and must lie in 0…255 (e.g.
 *   `overlayHeatmap`'s output);
 * - float32 tensors must lie in [0, 1] and are written as `⌊255·v⌋` (e.g. a CAM, as grey).
 *
 * Asynchronous because `fast-png` is an ES module: it is loaded on first use, so that the
 * package's CommonJS build also works on Node versions without `require(esm)`.
 *
 * @param image `[H, W]` (grey), or `[H, W, C]` with C = 1 (grey), 2 (grey + alpha), 3 (RGB) or
 *   4 (RGBA). Not disposed.
 * @returns The PNG file's bytes.
 * @throws {ShapeError} on another rank / channel count or values out of range.
 * @example
 * ```ts
 * fs.writeFileSync('overlay.png', await encodePng(overlayHeatmap(image, map)));
 * ```
 */
export async function encodePng(image: tf.Tensor): Promise<Uint8Array> {
  const fn = 'encodePng';
  const channels = image.rank === 2 ? 1 : image.shape[2];
  if ((image.rank !== 2 && image.rank !== 3) || !channels || channels > 4) {
    throw new ShapeError({
      fn,
      problem: 'the image must be [H, W] or [H, W, C] with 1 to 4 channels',
      got: image.shape,
    });
  }
  const values = image.dataSync();
  const data = new Uint8Array(values.length);
  const isFloat = image.dtype === 'float32';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const byte = isFloat ? Math.trunc(Math.fround(255 * v)) : v;
    if (!(byte >= 0 && byte <= 255) || (isFloat && !(v >= 0 && v <= 1))) {
      throw new ShapeError({
        fn,
        problem: 'pixel values are out of range',
        expected: isFloat ? 'float32 values in [0, 1]' : 'integers in 0…255',
        got: v,
        fix: isFloat ? 'Scale the image to [0, 1] first' : 'Clip to 0…255 first',
      });
    }
    data[i] = byte;
  }
  const { encode } = await import('fast-png');
  return encode({ width: image.shape[1]!, height: image.shape[0]!, data, depth: 8, channels });
}
