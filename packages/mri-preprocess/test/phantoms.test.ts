import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createRng } from '@tumorxai/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeImage,
  generatePhantomDataset,
  MRI_CLASS_NAMES,
  MRI_FAMILIES,
  type PhantomDataset,
  scanImageFolder,
} from '../src/index.js';
import { renderPhantom } from '../src/phantoms/render.js';
import { tempDir } from './helpers/temp.js';

const base = tempDir('phantoms');
let first: PhantomDataset;

beforeAll(async () => {
  first = await generatePhantomDataset({
    outDir: join(base, 'a'),
    imagesPerClass: 3,
    size: 64,
    seed: 7,
  });
});

describe('generatePhantomDataset', () => {
  it('writes the 17-class layout that scanImageFolder labels by family and sequence', () => {
    expect(first.files).toHaveLength(51);
    const scan = scanImageFolder(first.outDir);
    expect(scan.skipped).toEqual([]);
    expect(scan.classes.map((c) => c.name)).toEqual(MRI_CLASS_NAMES);
    expect(scan.families).toEqual([
      'Glioma',
      'Meningioma',
      'NORMAL',
      'Neurocitoma',
      'Outros Tipos de Lesões',
      'Schwannoma',
    ]);
    for (const cls of scan.classes) {
      const family = MRI_FAMILIES.find((f) => cls.name.startsWith(f.folder))!;
      expect(cls.family).toBe(family.family);
      expect(cls.name).toBe(`${family.folder} ${cls.sequence}`);
      expect(cls.count).toBe(3);
    }
    expect(scan.classes.filter((c) => c.sequence === 'T1C+')).toHaveLength(5);
    expect(scan.classes.filter((c) => c.family === 'NORMAL').map((c) => c.sequence)).toEqual([
      'T1',
      'T2',
    ]);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const again = await generatePhantomDataset({
      outDir: join(base, 'b'),
      imagesPerClass: 3,
      size: 64,
      seed: 7,
      concurrency: 1,
    });
    const other = await generatePhantomDataset({
      outDir: join(base, 'c'),
      imagesPerClass: 3,
      size: 64,
      seed: 8,
    });
    let differ = 0;
    first.files.forEach((f, i) => {
      expect(readFileSync(again.files[i]!)).toEqual(readFileSync(f));
      if (!readFileSync(other.files[i]!).equals(readFileSync(f))) differ++;
    });
    expect(differ).toBe(51);
  });

  it('renders head-like slices whose contrast follows the sequence', async () => {
    const meta = await sharp(first.files[0]!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 64]);
    for (const file of first.files) {
      const image = await decodeImage(file);
      expect(image.data[0]).toBeLessThan(0.15); // dark background corner
      expect(image.data[32 * 64 + 32]).toBeGreaterThan(0.05); // head in the middle
    }
    // Same anatomy (same generator state) in three contrasts: inside the brain, T2 inverts the
    // T1 ordering (white matter dark, CSF bright) while T1C+ keeps it.
    const size = 96;
    const slice = (seq: 'T1' | 'T1C+' | 'T2') => renderPhantom('normal', seq, size, createRng(42));
    const [t1, t1c, t2] = [slice('T1'), slice('T1C+'), slice('T2')];
    const inside: number[] = [];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++)
        if (Math.hypot(x - size / 2, y - size / 2) < 0.3 * size) inside.push(y * size + x);
    }
    const corr = (a: Uint8Array, b: Uint8Array) => {
      const ma = inside.reduce((s, i) => s + a[i]!, 0) / inside.length;
      const mb = inside.reduce((s, i) => s + b[i]!, 0) / inside.length;
      let [ab, aa, bb] = [0, 0, 0];
      for (const i of inside) {
        ab += (a[i]! - ma) * (b[i]! - mb);
        aa += (a[i]! - ma) ** 2;
        bb += (b[i]! - mb) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    expect(corr(t1, t2)).toBeLessThan(-0.5);
    expect(corr(t1, t1c)).toBeGreaterThan(0.5);
  });

  it('stores some files as RGB and validates its options', async () => {
    const rgb = await generatePhantomDataset({
      outDir: join(base, 'rgb'),
      imagesPerClass: 1,
      size: 32,
      seed: 1,
      rgbFraction: 1,
    });
    expect((await sharp(rgb.files[0]!).metadata()).channels).toBe(3);
    expect((await sharp(first.files[0]!).metadata()).channels).toBe(1);
    await expect(
      generatePhantomDataset({ outDir: join(base, 'x'), imagesPerClass: 0 }),
    ).rejects.toThrow(ConfigError);
    await expect(
      generatePhantomDataset({ outDir: join(base, 'x'), imagesPerClass: 1, size: 8 }),
    ).rejects.toThrow(/size is invalid/);
    await expect(generatePhantomDataset({ outDir: '', imagesPerClass: 1 })).rejects.toThrow(
      /outDir/,
    );
  });
});
