/**
 * Heatmaps and overlays byte-identical to pytorch-grad-cam's `show_cam_on_image` (spec §4).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { type Colormap, colormapLut } from './colormap.js';
import { applyWindow, type IntensityWindow } from './window.js';

const f = Math.fround;

/** Options of {@link overlayHeatmap}. */
export interface OverlayOptions {
  /** Weight of the image in the blend, in [0, 1] (default 0.5: half image, half heatmap). */
  imageWeight?: number;
  /** Colormap (default `'jet'`, OpenCV's `COLORMAP_JET`). */
  colormap?: Colormap;
  /** Intensity window for the image (default: none; the image must then lie in [0, 1]). */
  window?: IntensityWindow;
}

function mapValues(fn: string, map: tf.Tensor): { values: Float32Array; h: number; w: number } {
  const shape = map.rank === 3 && map.shape[0] === 1 ? map.shape.slice(1) : map.shape;
  if (shape.length !== 2) {
    throw new ShapeError({ fn, problem: 'the map must be [H, W] (or [1, H, W])', got: map.shape });
  }
  return { values: map.dataSync() as Float32Array, h: shape[0]!, w: shape[1]! };
}

/** `applyColorMap(uint8(255·map))`: LUT index = ⌊255·m⌋ in float32 (truncation, not rounding). */
function heatIndices(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isFinite(v) ? Math.min(255, Math.max(0, Math.trunc(f(255 * v)))) : 0;
  }
  return out;
}

/**
 * The heatmap of a map in [0, 1] alone: `[H, W, 3]` RGB int32 in 0…255.
 *
 * @throws {ShapeError} when `map` is not `[H, W]`.
 * @example
 * ```ts
 * const rgb = colorizeMap(maps.slice(0, 1).squeeze([0]) as tf.Tensor2D);
 * ```
 */
export function colorizeMap(
  map: tf.Tensor,
  options: Pick<OverlayOptions, 'colormap'> = {},
): tf.Tensor3D {
  const { values, h, w } = mapValues('colorizeMap', map);
  const lut = colormapLut(options.colormap ?? 'jet');
  const index = heatIndices(values);
  const out = new Int32Array(h * w * 3);
  for (let i = 0; i < index.length; i++)
    for (let c = 0; c < 3; c++) out[3 * i + c] = lut[3 * index[i]! + c]!;
  return tf.tensor3d(out, [h, w, 3], 'int32');
}

/**
 * Blends a CAM's heatmap onto an image, reproducing `show_cam_on_image(img, mask, use_rgb=True)`
 * byte for byte: `heat = LUT[⌊255·map⌋] / 255`, `cam = (1 − w)·heat + w·img`, `cam /= max(cam)`,
 * result `⌊255·cam⌋` — all in float32 with truncating uint8 casts (spec §4).
 *
 * @param image `[H, W]`, `[H, W, 1]` (grey, replicated to RGB) or `[H, W, 3]` (RGB) intensities,
 *   in [0, 1] unless `window` says how to map them.
 * @param map `[H, W]` (or `[1, H, W]`) in [0, 1], e.g. one image of `explain`'s output.
 * @returns A new `[H, W, 3]` RGB int32 tensor in 0…255 (for `encodePng` or `tf.browser.toPixels`).
 * @throws {ShapeError} when the sizes differ or a rank is wrong.
 * @throws {ConfigError} on an `imageWeight` outside [0, 1], a bad window, or intensities outside
 *   [0, 1] without a window.
 * @example
 * ```ts
 * const rgb = overlayHeatmap(mriSlice, tf.squeeze(maps, [0]), { window: { percentiles: [1, 99.5] } });
 * fs.writeFileSync('cam.png', await encodePng(rgb));
 * ```
 */
export function overlayHeatmap(
  image: tf.Tensor,
  map: tf.Tensor,
  options: OverlayOptions = {},
): tf.Tensor3D {
  const fn = 'overlayHeatmap';
  const weight = options.imageWeight ?? 0.5;
  if (!(weight >= 0 && weight <= 1)) {
    throw new ConfigError({ fn, problem: 'imageWeight must lie in [0, 1]', got: weight });
  }
  const { values, h, w } = mapValues(fn, map);
  const channels = image.rank === 2 ? 1 : image.shape[2]!;
  if (
    image.rank < 2 ||
    image.rank > 3 ||
    image.shape[0] !== h ||
    image.shape[1] !== w ||
    (channels !== 1 && channels !== 3)
  ) {
    throw new ShapeError({
      fn,
      problem: 'the image must be [H, W], [H, W, 1] or [H, W, 3] with the size of the map',
      expected: `[${h}, ${w}] or [${h}, ${w}, 1|3]`,
      got: image.shape,
    });
  }
  const pixels = applyWindow(fn, Float32Array.from(image.dataSync()), options.window);
  const lut = colormapLut(options.colormap ?? 'jet');
  const index = heatIndices(values);
  const heatWeight = f(1 - weight);
  const imageWeight = f(weight);
  const blended = new Float32Array(h * w * 3);
  let max = 0;
  for (let i = 0; i < h * w; i++) {
    for (let c = 0; c < 3; c++) {
      const heat = f(lut[3 * index[i]! + c]! / 255);
      const pixel = pixels[channels === 1 ? i : 3 * i + c]!;
      const v = f(f(heatWeight * heat) + f(imageWeight * pixel));
      blended[3 * i + c] = v;
      if (v > max) max = v;
    }
  }
  const out = new Int32Array(h * w * 3);
  for (let i = 0; i < out.length; i++) {
    const v = max > 0 ? f(blended[i]! / max) : 0;
    out[i] = Math.min(255, Math.trunc(f(255 * v)));
  }
  return tf.tensor3d(out, [h, w, 3], 'int32');
}
