import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IOError } from '@tumorxai/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, LUMA_WEIGHTS } from '../src/index.js';
import { encode, tempDir } from './helpers/temp.js';

const dir = tempDir('decode');

describe('decodeImage', () => {
  it('decodes grey PNG exactly to [0, 1] float32, from a buffer or an accented path', async () => {
    const png = await encode(new Uint8Array([0, 10, 200, 255, 51, 102]), 3, 2, 1);
    const path = join(dir, 'Atípico (1) + cópia.png'.normalize('NFD'));
    writeFileSync(path, png);
    for (const source of [png, path]) {
      const image = await decodeImage(source);
      expect([image.width, image.height]).toEqual([3, 2]);
      expect(Array.from(image.data)).toEqual(
        [0, 10, 200, 255, 51, 102].map((v) => Math.fround(v / 255)),
      );
    }
  });

  it('converts RGB to BT.601 luma and composites alpha over black', async () => {
    const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 30, 60, 90];
    const image = await decodeImage(await encode(Uint8Array.from(rgb), 2, 2, 3));
    const [wr, wg, wb] = LUMA_WEIGHTS;
    for (let i = 0; i < 4; i++) {
      const expected = (wr * rgb[3 * i]! + wg * rgb[3 * i + 1]! + wb * rgb[3 * i + 2]!) / 255;
      expect(image.data[i]).toBeCloseTo(expected, 6);
    }
    const rgba = await decodeImage(
      await encode(new Uint8Array([200, 200, 200, 255, 200, 200, 200, 0]), 2, 1, 4),
    );
    expect(rgba.data[0]).toBeCloseTo(200 / 255, 6);
    expect(rgba.data[1]).toBe(0);
  });

  it('keeps the precision of 16-bit PNG', async () => {
    const values = [0, 1000, 40000, 65535];
    const png = await sharp(new Uint16Array(values), { raw: { width: 2, height: 2, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    const image = await decodeImage(png);
    for (const [i, v] of values.entries()) expect(image.data[i]).toBeCloseTo(v / 65535, 7);
  });

  it('decodes JPEG within JPEG error', async () => {
    const pixels = new Uint8Array(64 * 64).fill(77);
    const image = await decodeImage(await encode(pixels, 64, 64, 1, 'jpeg'));
    expect(image.width).toBe(64);
    for (const v of image.data) expect(Math.abs(v - 77 / 255)).toBeLessThan(2 / 255);
  });

  it('throws IOError for truncated, empty, missing and non-image files', async () => {
    const jpeg = await encode(
      new Uint8Array(64 * 64 * 3).map((_, i) => (i * 37) % 256),
      64,
      64,
      3,
      'jpeg',
    );
    await expect(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toThrow(
      IOError,
    );
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/empty \(0 bytes\)/);
    await expect(decodeImage(join(dir, 'missing.jpg'))).rejects.toThrow(/could not read/);
    const fake = join(dir, 'fake.jpg');
    writeFileSync(fake, 'this is not an image');
    await expect(decodeImage(fake)).rejects.toThrow(/could not decode .*fake\.jpg/);
  });
});
