/**
 * A report figure: one row per method, columns image | heatmap | overlay.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@tumorxai/core';
import { colorizeMap, type OverlayOptions, overlayHeatmap } from './overlay.js';
import { applyWindow } from './window.js';

/** Options of {@link camGrid}. */
export interface CamGridOptions extends OverlayOptions {
  /** Integer nearest-neighbour magnification of every panel (default 1). */
  scale?: number;
  /** Pixels between panels (default 2). */
  gap?: number;
  /** Grey level of the gaps, 0…255 (default 255, white). */
  background?: number;
}

function checkInteger(
  name: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError({
      fn: 'camGrid',
      problem: `${name} must be an integer in [${min}, ${max}]`,
      got: value,
    });
  }
}

/**
 * Builds one RGB figure with a row per map — `image | heatmap | overlay` — for reports (rows in
 * the order of `maps`). Panels use {@link colorizeMap} and {@link overlayHeatmap} with `options`.
 *
 * @param image `[H, W]`, `[H, W, 1]` or `[H, W, 3]` (see `overlayHeatmap` for `window`).
 * @param maps Method name → map `[H, W]` in [0, 1]; at least one.
 * @returns A new int32 tensor `[R·H·s + (R−1)·gap, 3·W·s + 2·gap, 3]` in 0…255.
 * @throws {ConfigError} on empty `maps` or bad `scale` / `gap` / `background`; the errors of
 *   `overlayHeatmap` otherwise.
 * @example
 * ```ts
 * const figure = camGrid(slice, { 'Grad-CAM': g, 'Grad-CAM++': gpp, EigenCAM: e }, { scale: 4 });
 * fs.writeFileSync('cams.png', await encodePng(figure));
 * ```
 */
export function camGrid(
  image: tf.Tensor,
  maps: Readonly<Record<string, tf.Tensor>>,
  options: CamGridOptions = {},
): tf.Tensor3D {
  const { scale = 1, gap = 2, background = 255 } = options;
  checkInteger('scale', scale, 1);
  checkInteger('gap', gap, 0);
  checkInteger('background', background, 0, 255);
  const entries = Object.values(maps);
  if (entries.length === 0) {
    throw new ConfigError({
      fn: 'camGrid',
      problem: 'maps is empty',
      fix: 'Pass at least one map',
    });
  }
  const [h, w] = image.shape as [number, number];
  const channels = image.rank === 2 ? 1 : image.shape[2]!;
  const grey = applyWindow('camGrid', Float32Array.from(image.dataSync()), options.window);
  const picture = new Int32Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    for (let c = 0; c < 3; c++) {
      picture[3 * i + c] = Math.trunc(Math.fround(255 * grey[channels === 1 ? i : 3 * i + c]!));
    }
  }
  const panelH = h * scale;
  const panelW = w * scale;
  const height = entries.length * panelH + (entries.length - 1) * gap;
  const width = 3 * panelW + 2 * gap;
  const out = new Int32Array(height * width * 3).fill(background);
  const paste = (panel: ArrayLike<number>, row: number, col: number) => {
    const top = row * (panelH + gap);
    const left = col * (panelW + gap);
    for (let y = 0; y < panelH; y++) {
      for (let x = 0; x < panelW; x++) {
        const src = 3 * (Math.floor(y / scale) * w + Math.floor(x / scale));
        const dst = 3 * ((top + y) * width + left + x);
        for (let c = 0; c < 3; c++) out[dst + c] = panel[src + c]!;
      }
    }
  };
  entries.forEach((map, row) => {
    const heat = colorizeMap(map, options);
    const overlay = overlayHeatmap(image, map, options);
    paste(picture, row, 0);
    paste(heat.dataSync(), row, 1);
    paste(overlay.dataSync(), row, 2);
    tf.dispose([heat, overlay]);
  });
  return tf.tensor3d(out, [height, width, 3], 'int32');
}
