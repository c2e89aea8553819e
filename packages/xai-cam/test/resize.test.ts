/**
 * CAM resizing: cv2 INTER_LINEAR semantics (half-pixel centres) and torch align-corners, for any
 * number of spatial axes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resizeLinear, resizeSeparable } from '../src/internal/resize.js';
import { maxAbsDiff } from './fixtures.js';

describe('resizeLinear', () => {
  it('half-pixel centres: 2 → 4 gives cv2.resize values [a, .75a+.25b, .25a+.75b, b]', () => {
    const x = tf.tensor4d([0, 4], [1, 1, 2, 1]);
    const y = resizeLinear(x, [1, 4], 'halfPixel');
    expect(Array.from(y.dataSync())).toEqual([0, 1, 3, 4]);
    tf.dispose([x, y]);
  });

  it('align corners: 2 → 4 gives [a, a+(b−a)/3, …, b]', () => {
    const x = tf.tensor4d([0, 3], [1, 1, 2, 1]);
    const y = resizeLinear(x, [1, 4], 'alignCorners');
    expect(maxAbsDiff(y.dataSync(), [0, 1, 2, 3])).toBeLessThan(1e-6);
    tf.dispose([x, y]);
  });

  it('the separable path (used for 1-D and 3-D maps) equals tf.image.resizeBilinear in 2-D', () => {
    const x = tf.randomUniform([2, 4, 6, 3], 0, 1, 'float32', 5);
    for (const mode of ['halfPixel', 'alignCorners'] as const) {
      for (const size of [
        [64, 96],
        [3, 5],
        [4, 6],
      ]) {
        const a = resizeLinear(x, size, mode);
        const b = resizeSeparable(x, size, mode);
        expect(a.shape).toEqual(b.shape);
        expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(2e-6);
        tf.dispose([a, b]);
      }
    }
    x.dispose();
  });

  it('3-D volumes: trilinear interpolation reproduces a linear function away from the border', () => {
    const [d, h, w] = [3, 4, 5];
    const values: number[] = [];
    for (let z = 0; z < d; z++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values.push(z + 2 * y - x);
    const volume = tf.tensor5d(values, [1, d, h, w, 1]);
    const up = resizeLinear(volume, [6, 8, 10], 'alignCorners');
    const got = up.dataSync();
    // align corners: output index o maps to o·(in−1)/(out−1) exactly.
    let worst = 0;
    for (let z = 0; z < 6; z++)
      for (let y = 0; y < 8; y++)
        for (let x = 0; x < 10; x++) {
          const expected = (z * 2) / 5 + (2 * y * 3) / 7 - (x * 4) / 9;
          worst = Math.max(worst, Math.abs(got[(z * 8 + y) * 10 + x]! - expected));
        }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([volume, up]);
  });
});
