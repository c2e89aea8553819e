/**
 * Decoding JPEG / PNG / WebP / TIFF files to single-channel float32 with `sharp` (libvips,
 * prebuilt binaries from npm, no compiler needed).
 */
import { readFile } from 'node:fs/promises';
import { IOError } from '@tumorxai/core';
import sharp, { type OutputInfo } from 'sharp';
import type { GrayImage } from './gray-image.js';

/** ITU-R BT.601 luma weights, as Pillow's `convert('L')` and `tf.image.rgbToGrayscale`. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** File extensions (lower case) that {@link scanImageFolder} treats as images. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
];

/** What to decode: a path or the file's bytes. */
export type ImageSource = string | Uint8Array;

async function readSource(fn: string, source: ImageSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  try {
    return await readFile(source);
  } catch (cause) {
    throw new IOError({ fn, problem: `could not read ${source}` }, { cause });
  }
}

/**
 * Decodes to raw pixels with sharp, optionally resized (`fit: 'fill'`), then converts to one
 * float32 channel in [0, 1]: RGB → BT.601 luma, alpha composited over black, 16-bit kept.
 */
export async function decodeToGray(
  fn: string,
  source: ImageSource,
  resize?: { width: number; height: number },
): Promise<GrayImage> {
  const bytes = await readSource(fn, source);
  const name = typeof source === 'string' ? source : `${bytes.length}-byte buffer`;
  if (bytes.length === 0) {
    throw new IOError({
      fn,
      problem: `${name} is empty (0 bytes)`,
      fix: 'Remove or replace the file',
    });
  }
  let data: Buffer;
  let info: OutputInfo;
  try {
    // failOn 'warning': a truncated JPEG is an error, not a half-grey image.
    const meta = await sharp(bytes, { failOn: 'warning' }).metadata();
    let pipeline = sharp(bytes, { failOn: 'warning' }).rotate();
    if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#000000' });
    if (resize) pipeline = pipeline.resize(resize.width, resize.height, { fit: 'fill' });
    // Keep grey as one channel and 16-bit as 16-bit (sharp's default raw output is 8-bit sRGB).
    const grey = (meta.channels ?? 3) <= 2;
    if (meta.depth === 'ushort') {
      pipeline = pipeline.toColourspace(grey ? 'grey16' : 'rgb16').raw({ depth: 'ushort' });
    } else {
      pipeline = (grey ? pipeline.toColourspace('b-w') : pipeline).raw();
    }
    ({ data, info } = await pipeline.toBuffer({ resolveWithObject: true }));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IOError(
      {
        fn,
        problem: `could not decode ${name}: ${reason}`,
        fix: 'The file is truncated, corrupt or not an image; remove or re-export it',
      },
      { cause },
    );
  }
  const { width, height, channels } = info;
  const pixels = width * height;
  // 16-bit PNG/TIFF stay 16-bit through sharp's raw output (2 bytes per sample).
  const is16 = data.byteLength === pixels * channels * 2;
  const src = is16
    ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const scale = is16 ? 1 / 65535 : 1 / 255;
  const out = new Float32Array(pixels);
  const hasAlpha = channels === 2 || channels === 4;
  const colour = channels >= 3;
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let i = 0, p = 0; i < pixels; i++, p += channels) {
    let v = colour ? wr * src[p]! + wg * src[p + 1]! + wb * src[p + 2]! : src[p]!;
    if (hasAlpha) v *= src[p + channels - 1]! * scale;
    out[i] = v * scale;
  }
  return { data: out, width, height };
}

/**
 * Decodes an image file or buffer to a single-channel float32 image in [0, 1].
 *
 * RGB is converted to luma with the BT.601 weights (0.299, 0.587, 0.114), like Pillow's
 * `convert('L')`; alpha is composited over black; 16-bit PNG/TIFF keep their precision; the
 * EXIF orientation is applied.
 *
 * @param source A path (any Unicode name, as stored on disk) or the file's bytes.
 * @returns Owned plain data; no tensors.
 * @throws {IOError} when the file cannot be read or decoded (empty, truncated, not an image).
 * @example
 * ```ts
 * const image = await decodeImage('data/_NORMAL T1/0001.jpg');
 * image.width; image.height; image.data; // Float32Array in [0, 1]
 * ```
 */
export function decodeImage(source: ImageSource): Promise<GrayImage> {
  return decodeToGray('decodeImage', source);
}
