import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@tumorxai/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  findDuplicates,
  generatePhantomDataset,
  MRI_CLASS_NAMES,
  scanImageFolder,
} from '../src/index.js';
import { tempDir } from './helpers/temp.js';

const root = join(tempDir('dups'), 'data');
const [A, B] = [MRI_CLASS_NAMES[1]!, MRI_CLASS_NAMES[9]!];
const p = (cls: string, name: string) => join(root, cls, name);

beforeAll(async () => {
  await generatePhantomDataset({ outDir: root, imagesPerClass: 3, size: 64, seed: 5 });
  // An exact copy filed under another class (a cross-class repeat).
  copyFileSync(p(A, '0000.jpg'), p(B, 'copy of 0000.jpg'));
  // A downscaled, re-encoded copy.
  const reencoded = await sharp(readFileSync(p(A, '0001.jpg')))
    .resize(48, 48)
    .jpeg({ quality: 75 })
    .toBuffer();
  writeFileSync(p(A, 're-encoded.jpg'), reencoded);
  // A darker, higher-contrast PNG copy (global intensity change).
  const darker = await sharp(readFileSync(p(B, '0002.jpg')))
    .linear(0.7, -10)
    .png()
    .toBuffer();
  writeFileSync(p(B, 'darker.png'), darker);
});

describe('findDuplicates', () => {
  it('groups exact, re-encoded and intensity-scaled copies and nothing else', async () => {
    const groups = await findDuplicates(root);
    expect(groups).toEqual(
      [
        [p(A, '0000.jpg'), p(B, 'copy of 0000.jpg')],
        [p(A, '0001.jpg'), p(A, 're-encoded.jpg')],
        [p(B, '0002.jpg'), p(B, 'darker.png')],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
  });

  it('accepts a scan, and tolerance 0 keeps only identical thumbnails', async () => {
    const groups = await findDuplicates(scanImageFolder(root), { tolerance: 0 });
    expect(groups).toEqual([[p(A, '0000.jpg'), p(B, 'copy of 0000.jpg')]]);
  });

  it('validates the tolerance', async () => {
    await expect(findDuplicates(root, { tolerance: -1 })).rejects.toThrow(ConfigError);
  });
});
