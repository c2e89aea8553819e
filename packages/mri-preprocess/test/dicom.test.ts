import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, IOError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import { imagesToTensor, preprocessImage, readDicom } from '../src/index.js';
import { SYNTAX, writeDicom } from './helpers/dicom-writer.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('dicom');
// 12-bit MR values, 3 rows × 4 columns, with junk in the 4 unused high bits of one sample.
const stored = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 4095 | 0xf000];
const values = stored.map((v) => v & 0x0fff);

describe('readDicom', () => {
  it('reads an explicit VR little endian file from disk with rescale, spacing and window', () => {
    const path = join(dir, 'IM 0001 (axial) +.dcm');
    writeFileSync(
      path,
      writeDicom({
        rows: 3,
        columns: 4,
        pixels: stored,
        bitsStored: 12,
        slope: '2',
        intercept: '-100',
        windowCenter: '600',
        windowWidth: '800',
        pixelSpacing: '0.5\\0.75',
      }),
    );
    const raw = readDicom(path, { intensity: 'raw' });
    expect([raw.rows, raw.columns, raw.frames]).toEqual([3, 4, 1]);
    expect(raw.transferSyntax).toBe(SYNTAX.EXPLICIT_LE);
    expect(raw.modality).toBe('MR');
    expect(raw.pixelSpacing).toEqual([0.5, 0.75]);
    expect(raw.rescale).toEqual({ slope: 2, intercept: -100 });
    expect(Array.from(raw.images[0]!.data)).toEqual(values.map((v) => 2 * v - 100));
    const windowed = readDicom(path);
    expect(windowed.window).toEqual({ center: 600, width: 800 });
    const [lo, hi] = [600 - 0.5 - 799 / 2, 600 - 0.5 + 799 / 2];
    windowed.images[0]!.data.forEach((v, i) => {
      const m = 2 * values[i]! - 100;
      expect(v).toBeCloseTo(Math.min(1, Math.max(0, (m - lo) / (hi - lo))), 6);
    });
    const minmax = readDicom(path, { intensity: 'minmax' }).images[0]!.data;
    expect([minmax[0], minmax[11]]).toEqual([0, 1]);
  });

  it('handles signed pixels, MONOCHROME1, 8-bit multi-frame and RGB', () => {
    const signed = readDicom(
      writeDicom({ rows: 1, columns: 3, pixels: [-1000, 0, 2000], signed: true }),
      { intensity: 'raw' },
    );
    expect(Array.from(signed.images[0]!.data)).toEqual([-1000, 0, 2000]);
    const inverted = readDicom(
      writeDicom({ rows: 1, columns: 3, pixels: [0, 50, 100], photometric: 'MONOCHROME1' }),
    );
    expect(Array.from(inverted.images[0]!.data)).toEqual([1, 0.5, 0]);
    const multi = readDicom(
      writeDicom({
        rows: 2,
        columns: 2,
        frames: 2,
        bitsAllocated: 8,
        pixels: [1, 2, 3, 4, 5, 6, 7, 8],
      }),
      { intensity: 'raw' },
    );
    expect(multi.images.map((im) => Array.from(im.data))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const rgb = readDicom(
      writeDicom({
        rows: 1,
        columns: 2,
        samples: 3,
        bitsAllocated: 8,
        pixels: [255, 0, 0, 0, 0, 255],
      }),
      { intensity: 'raw' },
    );
    expect(rgb.images[0]!.data[0]).toBeCloseTo(0.299 * 255, 4);
    expect(rgb.images[0]!.data[1]).toBeCloseTo(0.114 * 255, 4);
  });

  it('reads implicit VR little endian and explicit VR big endian datasets', () => {
    for (const transferSyntax of [SYNTAX.IMPLICIT_LE, SYNTAX.EXPLICIT_BE]) {
      const d = readDicom(
        writeDicom({ rows: 3, columns: 4, pixels: stored, bitsStored: 12, transferSyntax }),
        { intensity: 'raw' },
      );
      expect(d.transferSyntax).toBe(transferSyntax);
      expect(Array.from(d.images[0]!.data)).toEqual(values);
    }
  });

  it('feeds the same preprocessing and tensors as image files', () => {
    const pixels = Array.from({ length: 32 * 48 }, (_, i) => (i % 48) * 10);
    const d = readDicom(writeDicom({ rows: 32, columns: 48, pixels }));
    const batch = imagesToTensor(
      d.images.map((im) => preprocessImage(im, { size: 16 })),
      3,
    );
    expect(batch.shape).toEqual([1, 16, 16, 3]);
    batch.dispose();
  });

  it('rejects non-DICOM, compressed, truncated input and bad options clearly', () => {
    expect(() => readDicom(new Uint8Array(300))).toThrow(IOError);
    const jpeg = writeDicom({
      rows: 2,
      columns: 2,
      pixels: [1, 2, 3, 4],
      transferSyntax: SYNTAX.JPEG_BASELINE,
      encapsulate: true,
    });
    expect(() => readDicom(jpeg)).toThrow(
      /compressed transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50.*gdcmconv/,
    );
    const full = writeDicom({ rows: 3, columns: 4, pixels: stored });
    const cut = full.slice(0, full.length - 6);
    expect(() => readDicom(cut)).toThrow(IOError);
    expect(() => readDicom(join(dir, 'missing.dcm'))).toThrow(/could not read/);
    expect(() => readDicom(full, { intensity: 'hu' as never })).toThrow(ConfigError);
  });
});
