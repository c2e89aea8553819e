import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  colorJitter,
  defaultBlurKernelSize,
  gaussianBlur,
  gaussianKernel,
  MRI_NO_OP_AUGMENTATIONS,
  randomGrayscale,
} from '../src/index.js';

const rng0 = createRng(0);
const mid = tf.tensor4d(
  Float32Array.from({ length: 40 * 64 }, () => 0.3 + 0.4 * rng0.next()),
  [40, 8, 8, 1],
);
afterAll(() => mid.dispose());
const rows = (t: tf.Tensor, size: number) => {
  const v = t.dataSync() as Float32Array;
  return Array.from({ length: v.length / size }, (_, i) => v.subarray(i * size, (i + 1) * size));
};
const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;

describe('colorJitter', () => {
  it('brightness scales each image by one factor in range (multiplicative) or shifts it (additive)', () => {
    const out = colorJitter({ brightness: 0.4, clip: false })(mid, createRng(1));
    const factors = rows(out, 64).map((r, i) => r[0]! / rows(mid, 64)[i]![0]!);
    rows(out, 64).forEach((r, i) => {
      for (let k = 0; k < 64; k++) expect(r[k]).toBeCloseTo(rows(mid, 64)[i]![k]! * factors[i]!, 5);
    });
    expect(Math.min(...factors)).toBeGreaterThanOrEqual(0.6);
    expect(Math.max(...factors)).toBeLessThanOrEqual(1.4);
    expect(new Set(factors.map((f) => f.toFixed(4))).size).toBeGreaterThan(30);
    const add = colorJitter({ brightness: 0.2, brightnessMode: 'additive' })(mid, createRng(1));
    rows(add, 64).forEach((r, i) => {
      const d = r[0]! - rows(mid, 64)[i]![0]!;
      expect(Math.abs(d)).toBeLessThanOrEqual(0.2 + 1e-6);
      for (let k = 0; k < 64; k++) expect(r[k]! - rows(mid, 64)[i]![k]!).toBeCloseTo(d, 5);
    });
    tf.dispose([out, add]);
  });

  it('contrast keeps each image mean; gamma raises to a per-image power', () => {
    const out = colorJitter({ contrast: 0.3 })(mid, createRng(2));
    for (const [i, r] of rows(out, 64).entries())
      expect(mean(r)).toBeCloseTo(mean(rows(mid, 64)[i]!), 5);
    const g = colorJitter({ gamma: [0.5, 2] })(mid, createRng(3));
    rows(g, 64).forEach((r, i) => {
      const src = rows(mid, 64)[i]!;
      const gamma = Math.log(r[0]!) / Math.log(src[0]!);
      expect(gamma).toBeGreaterThanOrEqual(0.5 - 1e-4);
      expect(gamma).toBeLessThanOrEqual(2 + 1e-4);
      for (let k = 0; k < 64; k++) expect(r[k]).toBeCloseTo(src[k]! ** gamma, 4);
    });
    tf.dispose([out, g]);
  });

  it('uses a random order per image and clips to [0, 1]', () => {
    const opts = { brightness: 0.8, contrast: 0.8 } as const;
    const random = colorJitter(opts)(mid, createRng(4));
    const fixed = colorJitter({ ...opts, randomOrder: false })(mid, createRng(4));
    const same = rows(random, 64).filter((r, i) =>
      r.every((v, k) => v === rows(fixed, 64)[i]![k]),
    ).length;
    // Same draws, so images whose sampled order is the fixed one agree and the others differ.
    expect(same).toBeGreaterThan(8);
    expect(same).toBeLessThan(32);
    const strong = colorJitter({ brightness: [3, 3] })(mid, createRng(0));
    expect(Math.max(...strong.dataSync())).toBe(1);
    tf.dispose([random, fixed, strong]);
  });

  it('applies with probability p, and warns once that saturation and hue do nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const base = colorJitter({ brightness: 0.5, p: 0.5 })(mid, createRng(5));
    const withColour = colorJitter({ brightness: 0.5, saturation: 0.8, hue: 0.2, p: 0.5 });
    const a = withColour(mid, createRng(5));
    withColour(mid, createRng(5)).dispose();
    expect(Array.from(a.dataSync())).toEqual(Array.from(base.dataSync()));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]![0])).toMatch(/saturation is a no-op on single-channel MRI/);
    expect(String(warn.mock.calls[1]![0])).toMatch(/hue is a no-op/);
    const changed = rows(base, 64).filter((r, i) => r[0] !== rows(mid, 64)[i]![0]).length;
    expect(changed).toBeGreaterThan(10);
    expect(changed).toBeLessThan(30);
    const grey = randomGrayscale({ p: 1 })(mid, createRng(0));
    expect(Array.from(grey.dataSync())).toEqual(Array.from(mid.dataSync()));
    expect(warn).toHaveBeenCalledTimes(3);
    expect(Object.keys(MRI_NO_OP_AUGMENTATIONS)).toEqual(['saturation', 'hue', 'grayscale']);
    warn.mockRestore();
    const rgb = tf.tensor4d([1, 0, 0, 0, 0, 1], [1, 1, 2, 3]);
    const g3 = randomGrayscale({ p: 1 })(rgb, createRng(0));
    expect(Array.from(g3.dataSync())).toEqual(
      [0.299, 0.299, 0.299, 0.114, 0.114, 0.114].map(Math.fround),
    );
    tf.dispose([base, a, grey, rgb, g3]);
    expect(() => colorJitter({ contrast: -1 })).toThrow(ConfigError);
    expect(() => colorJitter({ brightnessMode: 'log' as never })).toThrow(/additive/);
    await expectNoTensorLeak(() =>
      colorJitter({ brightness: 0.8, contrast: 0.8, gamma: 0.3, p: 0.8 })(mid, createRng(1)),
    );
  });
});

describe('gaussianBlur', () => {
  it('uses 10 % kernels (23 taps at 224 px) with normalised symmetric taps', () => {
    expect(defaultBlurKernelSize(224)).toBe(23);
    expect(defaultBlurKernelSize(96)).toBe(9);
    expect(defaultBlurKernelSize(32)).toBe(3);
    const k = gaussianKernel(23, 1.5);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[22]!, 7);
    expect(k[11]).toBe(Math.max(...k));
  });

  it('matches a direct separable convolution with zero padding', () => {
    const rng = createRng(9);
    const [h, w] = [20, 24];
    const src = Float32Array.from({ length: h * w }, () => rng.next());
    const x = tf.tensor4d(src, [1, h, w, 1]);
    const out = gaussianBlur({ sigma: [1.3, 1.3], kernelSize: 5 })(x, createRng(0)).dataSync();
    const k = gaussianKernel(5, 1.3);
    const at = (y: number, xx: number) =>
      y < 0 || y >= h || xx < 0 || xx >= w ? 0 : src[y * w + xx]!;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let acc = 0;
        for (let a = -2; a <= 2; a++)
          for (let b = -2; b <= 2; b++) acc += k[a + 2]! * k[b + 2]! * at(y + a, xx + b);
        expect(out[y * w + xx]).toBeCloseTo(acc, 5);
      }
    }
    x.dispose();
  });

  it('draws sigma per image, darkens borders like zero padding, and honours p', async () => {
    const ones = tf.ones([2, 40, 40, 1]) as tf.Tensor4D;
    const out = gaussianBlur({ sigma: [0.5, 2] })(ones, createRng(1));
    const [a, b] = rows(out, 1600);
    expect(a![20 * 40 + 20]).toBeCloseTo(1, 5);
    expect(a![0]).toBeLessThan(0.6);
    expect(a![0]).not.toBeCloseTo(b![0]!, 3);
    const never = gaussianBlur({ p: 0 })(mid, createRng(0));
    expect(Array.from(never.dataSync())).toEqual(Array.from(mid.dataSync()));
    tf.dispose([ones, out, never]);
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/odd/);
    expect(() => gaussianBlur({ sigma: [0, 1] })).toThrow(ConfigError);
    await expectNoTensorLeak(() => gaussianBlur({ p: 0.5 })(mid, createRng(2)));
  });
});
