import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import {
  cropToForeground,
  foregroundBox,
  type GrayImage,
  imagesToTensor,
  normalizeIntensity,
  percentiles,
  preprocessImage,
  replicateChannels,
  resizeImage,
} from '../src/index.js';

const image = (width: number, height: number, f: (x: number, y: number) => number): GrayImage => {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { data, width, height };
};

describe('resizeImage', () => {
  it('keeps a constant image constant with every filter, up and down', () => {
    const flat = image(37, 23, () => 0.4);
    for (const interpolation of ['nearest', 'bilinear', 'bicubic', 'area'] as const) {
      for (const [w, h] of [
        [10, 7],
        [80, 50],
        [37, 23],
      ]) {
        const out = resizeImage(flat, { width: w!, height: h!, interpolation });
        expect([out.width, out.height]).toEqual([w, h]);
        for (const v of out.data) expect(v).toBeCloseTo(0.4, 5);
      }
    }
  });

  it('averages blocks with area and matches Pillow bilinear upsampling', () => {
    const src = image(4, 4, (x, y) => y * 4 + x);
    const area = resizeImage(src, { width: 2, height: 2, interpolation: 'area' });
    expect(Array.from(area.data)).toEqual([2.5, 4.5, 10.5, 12.5]);
    // Pillow: Image.fromarray([[0, 1]]).resize((4, 1), BILINEAR) → [0, 0.25, 0.75, 1].
    const ramp = resizeImage(
      { data: Float32Array.from([0, 1]), width: 2, height: 1 },
      {
        width: 4,
        height: 1,
        interpolation: 'bilinear',
      },
    );
    expect(Array.from(ramp.data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('reproduces a linear ramp inside the image with bicubic and resizes a box window', () => {
    const ramp = image(16, 1, (x) => x);
    const out = resizeImage(ramp, { width: 32, height: 1, interpolation: 'bicubic' });
    // Output pixel i samples x = (i + 0.5) / 2 − 0.5; interior taps are all inside the image.
    for (let i = 6; i < 26; i++) expect(out.data[i]).toBeCloseTo((i + 0.5) / 2 - 0.5, 5);
    const grid = image(8, 8, (x, y) => x + 10 * y);
    const window = resizeImage(grid, {
      width: 2,
      height: 2,
      interpolation: 'nearest',
      box: { x: 4, y: 2, width: 4, height: 4 },
    });
    // Pillow nearest: source = floor(start + (i + 0.5) · scale) → x 5, 7 and y 3, 5.
    expect(Array.from(window.data)).toEqual([35, 37, 55, 57]);
  });

  it('rejects bad sizes and filters', () => {
    const src = image(4, 4, () => 0);
    expect(() => resizeImage(src, { width: 0, height: 2 })).toThrow(ConfigError);
    expect(() =>
      resizeImage(src, { width: 2, height: 2, interpolation: 'lanczos' as never }),
    ).toThrow(/bilinear/);
    expect(() =>
      resizeImage({ data: new Float32Array(3), width: 2, height: 2 }, { width: 1, height: 1 }),
    ).toThrow(ShapeError);
  });
});

describe('intensity normalisation', () => {
  it('computes NumPy-style linear percentiles', () => {
    const values = Float32Array.from({ length: 101 }, (_, i) => 100 - i);
    expect(percentiles(values, [0, 1, 50, 99, 100])).toEqual([0, 1, 50, 99, 100]);
    expect(percentiles(Float32Array.from([4, 1, 3, 2]), [50, 25])).toEqual([2.5, 1.75]);
    expect(values[0]).toBe(100); // input untouched
  });

  it('min-max, z-score and percentile clipping', () => {
    const src = image(10, 10, (x, y) => 2 + x + 10 * y);
    const mm = normalizeIntensity(src, { method: 'minmax' });
    expect(Math.min(...mm.data)).toBe(0);
    expect(Math.max(...mm.data)).toBe(1);
    const z = normalizeIntensity(src, { method: 'zscore' });
    const mean = z.data.reduce((a, b) => a + b, 0) / 100;
    const std = Math.sqrt(z.data.reduce((a, b) => a + (b - mean) ** 2, 0) / 100);
    expect(mean).toBeCloseTo(0, 5);
    expect(std).toBeCloseTo(1, 5);
    const spiky = image(10, 10, (x, y) => (x === 0 && y === 0 ? 1000 : x + 10 * y));
    const robust = normalizeIntensity(spiky, { method: 'percentile', percentiles: [1, 99] });
    expect(robust.data[0]).toBe(1); // the hot pixel is clipped
    expect(robust.data[50]).toBeGreaterThan(0.45); // the rest keeps its spread
    const flat = normalizeIntensity(
      image(3, 3, () => 7),
      { method: 'zscore' },
    );
    expect(Array.from(flat.data)).toEqual(new Array(9).fill(0));
    expect(() => normalizeIntensity(src, { method: 'percentile', percentiles: [99, 1] })).toThrow(
      ConfigError,
    );
    expect(() => normalizeIntensity(src, { method: 'l2' as never })).toThrow(/minmax/);
  });
});

describe('foreground crop', () => {
  it('finds the head box with a margin and ignores sparse specks', () => {
    const src = image(100, 80, (x, y) => (x >= 20 && x < 70 && y >= 10 && y < 60 ? 0.8 : 0));
    src.data[79 * 100 + 99] = 1; // a lone hot pixel in the corner
    expect(foregroundBox(src, { margin: 0 })).toEqual({ x: 20, y: 10, width: 50, height: 50 });
    expect(foregroundBox(src, { margin: 0.1 })).toEqual({ x: 15, y: 5, width: 60, height: 60 });
    const cropped = cropToForeground(src, { margin: 0 });
    expect([cropped.width, cropped.height]).toEqual([50, 50]);
    expect(foregroundBox(image(5, 5, () => 0.3))).toBeNull();
    expect(() => foregroundBox(src, { threshold: 2 })).toThrow(ConfigError);
  });
});

describe('preprocessImage', () => {
  it('pads to keep the aspect ratio, or stretches', () => {
    const wide = image(100, 50, (x) => 0.2 + x / 200);
    const padded = preprocessImage(wide, { size: 64, normalize: 'none' });
    expect([padded.width, padded.height]).toEqual([64, 64]);
    expect(padded.data[0]).toBe(0); // top band is padding
    expect(padded.data[32 * 64 + 32]).toBeGreaterThan(0.3);
    let rows = 0;
    for (let y = 0; y < 64; y++) if (padded.data[y * 64 + 32]! > 0) rows++;
    expect(rows).toBe(32);
    const stretched = preprocessImage(wide, { size: [20, 30], resize: 'stretch' });
    expect([stretched.width, stretched.height]).toEqual([30, 20]);
    expect(Math.max(...stretched.data)).toBe(1);
  });

  it('crops to the foreground before resizing', () => {
    const src = image(200, 200, (x, y) => (Math.hypot(x - 60, y - 140) < 30 ? 0.9 : 0.01));
    const out = preprocessImage(src, {
      size: 32,
      cropToForeground: { margin: 0 },
      interpolation: 'area',
    });
    // The disc now fills the frame: the centre and the middle of each edge are bright.
    expect(out.data[16 * 32 + 16]).toBeGreaterThan(0.9);
    expect(out.data[16 * 32 + 1]).toBeGreaterThan(0.5);
    expect(() => preprocessImage(src, { size: 0 })).toThrow(/size must be/);
    expect(() => preprocessImage(src, { size: 8, resize: 'fit' as never })).toThrow(ConfigError);
  });
});

describe('tensors', () => {
  it('stacks images as NHWC with 1 or 3 channels and replicates channels', async () => {
    const a = image(3, 2, (x, y) => x + 3 * y);
    const b = image(3, 2, () => 9);
    const grey = imagesToTensor([a, b]);
    expect(grey.shape).toEqual([2, 2, 3, 1]);
    expect(Array.from(grey.dataSync().slice(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    const rgb = imagesToTensor([a, b], 3);
    expect(rgb.shape).toEqual([2, 2, 3, 3]);
    expect(Array.from(rgb.dataSync().slice(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    const replicated = replicateChannels(grey, 3);
    expect(Array.from(replicated.dataSync())).toEqual(Array.from(rgb.dataSync()));
    expect(() => imagesToTensor([a, image(2, 2, () => 0)])).toThrow(/different size/);
    expect(() => imagesToTensor([])).toThrow(ShapeError);
    expect(() => replicateChannels(rgb, 3)).toThrow(/single-channel/);
    await expectNoTensorLeak(() => replicateChannels(grey, 3));
    tf.dispose([grey, rgb, replicated]);
  });
});
