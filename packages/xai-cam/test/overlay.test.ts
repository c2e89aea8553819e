/**
 * Heatmaps, overlays, PNG and report grids against `overlay.safetensors` (OpenCV 4.6 /
 * pytorch-grad-cam `show_cam_on_image`): byte-identical.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, entryToTensor, ShapeError } from '@tumorxai/core';
import { loadSafetensorsFixture } from '@tumorxai/core/testing';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { camGrid, colorizeMap, colormapLut, encodePng, overlayHeatmap } from '../src/index.js';

const { entries } = loadSafetensorsFixture('resnet-cam/resnet18/overlay.safetensors');
const bytes = (key: string) => entries[key]!.data as Uint8Array;
const rgb = entryToTensor('rgb_image', entries.rgb_image!) as tf.Tensor3D; // [64, 64, 3] in [0, 1]
const map = tf.reshape(entryToTensor('cam', entries.cam!), [64, 64]) as tf.Tensor2D;
afterAll(() => tf.dispose([rgb, map]));

function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('colormapLut', () => {
  it("generates OpenCV's COLORMAP_JET: all 256 entries equal cv2.applyColorMap(arange(256))", () => {
    const lut = colormapLut('jet');
    const reference = bytes('jet_lut_rgb');
    for (let i = 0; i < 256; i++) {
      expect(Array.from(lut.subarray(3 * i, 3 * i + 3)), `entry ${i}`).toEqual(
        Array.from(reference.subarray(3 * i, 3 * i + 3)),
      );
    }
    expect(Array.from(lut.subarray(3 * 254, 3 * 255))).toEqual([132, 0, 0]);
    expect(() => colormapLut('viridis' as 'jet')).toThrow(ConfigError);
    expect(() => colormapLut(new Uint8Array(10))).toThrow(/768 bytes/);
  });
});

describe('overlayHeatmap', () => {
  it.each([
    ['overlay_rgb_w05', 0.5],
    ['overlay_rgb_w07', 0.7],
  ] as const)('is byte-identical to show_cam_on_image(use_rgb=True): %s', (key, imageWeight) => {
    const out = overlayHeatmap(rgb, map, { imageWeight });
    expect(out.dtype).toBe('int32');
    expect(differing(out.dataSync(), bytes(key))).toBe(0);
    out.dispose();
  });

  it('reproduces the default BGR heatmap with a channel-swapped table', () => {
    const lut = colormapLut('jet');
    const bgr = new Uint8Array(768);
    for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) bgr[3 * i + c] = lut[3 * i + 2 - c]!;
    const out = overlayHeatmap(rgb, map, { colormap: bgr });
    expect(differing(out.dataSync(), bytes('overlay_bgrheat_w05'))).toBe(0);
    out.dispose();
  });

  it('grey images ([H, W] or [H, W, 1]) give the overlay of the replicated RGB image', () => {
    const grey = tf.tidy(() => tf.slice(rgb, [0, 0, 0], [64, 64, 1]));
    const asRgb = tf.tidy(() => tf.tile(grey, [1, 1, 3]));
    const expected = overlayHeatmap(asRgb, map);
    const a = overlayHeatmap(grey, map);
    const b = overlayHeatmap(tf.reshape(grey, [64, 64]), map);
    expect(differing(a.dataSync(), expected.dataSync())).toBe(0);
    expect(differing(b.dataSync(), expected.dataSync())).toBe(0);
    tf.dispose([grey, asRgb, expected, a, b]);
  });

  it('windows raw intensities: [low, high], minmax and percentiles; refuses raw intensities without a window', () => {
    const raw = tf.tidy(() => tf.add(tf.mul(rgb, 900), 100)); // like an MRI in scanner units
    const byRange = overlayHeatmap(raw, map, { window: [100, 1000] });
    const byMinMax = overlayHeatmap(raw, map, { window: 'minmax' });
    const reference = overlayHeatmap(rgb, map);
    expect(differing(byRange.dataSync(), reference.dataSync())).toBeLessThan(64 * 64 * 3 * 0.01);
    expect(byMinMax.shape).toEqual([64, 64, 3]);
    const byPercentile = overlayHeatmap(raw, map, { window: { percentiles: [1, 99.5] } });
    expect(byPercentile.shape).toEqual([64, 64, 3]);
    expect(() => overlayHeatmap(raw, map)).toThrow(/must lie in \[0, 1\] when no window is given/);
    expect(() => overlayHeatmap(rgb, map, { imageWeight: 2 })).toThrow(ConfigError);
    expect(() => overlayHeatmap(rgb, tf.zeros([32, 32]))).toThrow(ShapeError);
    expect(() => overlayHeatmap(rgb, map, { window: { percentiles: [50, 10] } })).toThrow(
      ConfigError,
    );
    tf.dispose([raw, byRange, byMinMax, reference, byPercentile]);
  });
});

describe('encodePng and camGrid', () => {
  it('encodes an overlay that decodes to the same bytes', async () => {
    const overlay = overlayHeatmap(rgb, map);
    const png = await encodePng(overlay);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const decoded = decode(png);
    expect([decoded.width, decoded.height, decoded.channels, decoded.depth]).toEqual([
      64, 64, 3, 8,
    ]);
    expect(differing(decoded.data, bytes('overlay_rgb_w05'))).toBe(0);
    const grey = decode(await encodePng(map));
    expect(grey.channels).toBe(1);
    expect(grey.data[0]).toBe(Math.trunc(Math.fround(255 * map.dataSync()[0]!)));
    await expect(encodePng(tf.tensor3d([[[300]]], [1, 1, 1], 'int32'))).rejects.toThrow(ShapeError);
    overlay.dispose();
  });

  it('lays out image | heatmap | overlay per method, magnified', () => {
    const other = tf.tidy(() => tf.sub(1, map));
    const grid = camGrid(rgb, { 'Grad-CAM': map, inverse: other }, { scale: 2, gap: 3 });
    expect(grid.shape).toEqual([2 * 128 + 3, 3 * 128 + 6, 3]);
    const values = grid.dataSync();
    const width = grid.shape[1];
    const pixel = (y: number, x: number) =>
      Array.from(values.subarray(3 * (y * width + x), 3 * (y * width + x) + 3));
    const heat = colorizeMap(map).dataSync();
    const overlay = overlayHeatmap(rgb, other).dataSync();
    expect(pixel(2 * 10 + 1, 128 + 3 + 2 * 20)).toEqual(
      Array.from(heat.subarray(3 * (10 * 64 + 20), 3 * (10 * 64 + 20) + 3)),
    );
    expect(pixel(131 + 2 * 5, 2 * (128 + 3) + 2 * 7 + 1)).toEqual(
      Array.from(overlay.subarray(3 * (5 * 64 + 7), 3 * (5 * 64 + 7) + 3)),
    );
    expect(pixel(129, 0)).toEqual([255, 255, 255]);
    expect(() => camGrid(rgb, {})).toThrow(ConfigError);
    tf.dispose([other, grid]);
  });
});
