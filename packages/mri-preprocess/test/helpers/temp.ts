import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll } from 'vitest';

/** A temporary folder removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tumorxai-mri-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Encodes raw 8-bit pixels (1 or 3 channels) as PNG or JPEG. */
export function encode(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'jpeg' = 'png',
): Promise<Buffer> {
  const raw = sharp(pixels, { raw: { width, height, channels } });
  // Without b-w, sharp writes 1-channel input as RGB.
  const img = channels <= 2 ? raw.toColourspace('b-w') : raw;
  return (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toBuffer();
}
