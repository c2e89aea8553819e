/**
 * CAM figures: Grad-CAM, Grad-CAM++ and EigenCAM of a classifier for a few images, as one
 * labelled PNG (a row per image, a column per explainer), laid out with Vega-Lite.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { defaultCamLayer } from '@tumorxai/backbone-resnet';
import { renderPng } from '@tumorxai/eval';
import {
  type BaseCam,
  EigenCam,
  encodePng,
  GradCam,
  GradCamPlusPlus,
  overlayHeatmap,
} from '@tumorxai/xai-cam';
import type { CamMethodName } from '../config/schema.js';

const LABELS: Record<CamMethodName, string> = {
  gradcam: 'Grad-CAM',
  'gradcam++': 'Grad-CAM++',
  eigencam: 'EigenCAM',
};

function explainer(name: CamMethodName, model: tfl.LayersModel, targetLayer: string): BaseCam {
  if (name === 'gradcam') return new GradCam(model, { targetLayer });
  if (name === 'gradcam++') return new GradCamPlusPlus(model, { targetLayer });
  return new EigenCam(model, { targetLayer });
}

/** What {@link camFigure} made. */
export interface CamFigureResult {
  png: Uint8Array;
  /** Predicted class of each image (the class the gradient methods explain). */
  predicted: number[];
  /** Probability of that class. */
  confidence: number[];
}

/** Options of {@link camFigure}. */
export interface CamFigureOptions {
  /** Side of each panel in the figure, in pixels (default 128). */
  panelSize?: number;
  /** Classes to explain, one per image (default: the predicted ones). */
  targets?: number[];
  /** Layer to explain (default: the backbone's last block, `defaultCamLayer`). */
  targetLayer?: string;
  /** Title of the figure. */
  title?: string;
  /** Label of each row (default: the predicted class and its probability). */
  rowLabels?: (predicted: number[], confidence: number[]) => string[];
}

const toDataUrl = (png: Uint8Array) =>
  `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

/** An RGB panel upscaled (nearest neighbour) to `size` × `size`, as a PNG data URL. */
async function panel(rgb: tf.Tensor3D, size: number): Promise<string> {
  const big = tf.tidy(() =>
    tf.cast(tf.image.resizeNearestNeighbor(tf.cast(rgb, 'float32'), [size, size]), 'int32'),
  );
  try {
    return toDataUrl(await encodePng(big));
  } finally {
    big.dispose();
  }
}

/**
 * Explains `images` `[N, H, W, C]` (in [0, 1]) with each of `cams` for the predicted class and
 * renders one labelled figure: a row per image (label: predicted class and probability), a
 * column for the image and one per explainer (its heatmap over the image). `model` is a
 * classifier whose backbone layers are at its top level (`createResNet({ includeTop: true })`
 * or `attachClassifier(...)`).
 */
export async function camFigure(
  model: tfl.LayersModel,
  images: tf.Tensor4D,
  cams: readonly CamMethodName[],
  options: CamFigureOptions = {},
): Promise<CamFigureResult> {
  const targetLayer = options.targetLayer ?? defaultCamLayer(model);
  const size = options.panelSize ?? 128;
  const probabilities = tf.tidy(() => tf.softmax(model.predict(images) as tf.Tensor2D));
  const probs = (await probabilities.array()) as number[][];
  probabilities.dispose();
  const predicted = probs.map((row) => row.indexOf(Math.max(...row)));
  const confidence = predicted.map((c, i) => probs[i]![c]!);
  const targets = options.targets ?? predicted;
  const maps: Partial<Record<CamMethodName, tf.Tensor3D>> = {};
  try {
    for (const name of cams) {
      const cam = explainer(name, model, targetLayer);
      try {
        maps[name] = cam.explain(images, { targets });
      } finally {
        cam.dispose();
      }
    }
    const labels =
      options.rowLabels?.(predicted, confidence) ??
      predicted.map((c, i) => `${i + 1}: class ${c} (p ${confidence[i]!.toFixed(2)})`);
    const values: Array<{ row: string; column: string; url: string }> = [];
    for (let i = 0; i < images.shape[0]; i++) {
      const grey = tf.tidy(() => {
        const image = tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), [0]);
        return image.shape[2] === 3 ? tf.mean(image, 2, true) : image;
      }) as tf.Tensor3D;
      const plain = tf.tidy(() =>
        tf.cast(tf.round(tf.mul(tf.tile(tf.clipByValue(grey, 0, 1), [1, 1, 3]), 255)), 'int32'),
      ) as tf.Tensor3D;
      values.push({ row: labels[i]!, column: 'image', url: await panel(plain, size) });
      plain.dispose();
      for (const name of cams) {
        const overlay = tf.tidy(() =>
          overlayHeatmap(grey, tf.squeeze(tf.slice(maps[name]!, [i, 0, 0], [1, -1, -1]), [0])),
        );
        values.push({ row: labels[i]!, column: LABELS[name], url: await panel(overlay, size) });
        overlay.dispose();
      }
      grey.dispose();
    }
    const spec = {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: options.title ?? `CAMs at ${targetLayer}`,
      data: { values },
      width: { step: size + 4 },
      height: { step: size + 4 },
      mark: { type: 'image', width: size, height: size },
      encoding: {
        x: {
          field: 'column',
          type: 'nominal',
          sort: null,
          title: null,
          axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false, labelFontSize: 12 },
        },
        y: {
          field: 'row',
          type: 'nominal',
          sort: null,
          title: null,
          axis: { labelLimit: 640, domain: false, ticks: false, labelFontSize: 11 },
        },
        url: { field: 'url', type: 'nominal' },
      },
      config: { view: { stroke: null } },
    };
    const png = await renderPng(spec, { scale: 1 });
    return { png, predicted, confidence };
  } finally {
    tf.dispose(Object.values(maps) as tf.Tensor[]);
  }
}
