/**
 * CAM figures: Grad-CAM, Grad-CAM++ and EigenCAM of a classifier for a few images, as one PNG
 * (one block per image, one row per explainer: image | heatmap | overlay).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { defaultCamLayer } from '@tumorxai/backbone-resnet';
import {
  type BaseCam,
  camGrid,
  EigenCam,
  encodePng,
  GradCam,
  GradCamPlusPlus,
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

/** One image's explanation: its predicted class and the figure rows. */
export interface CamFigureResult {
  png: Uint8Array;
  /** Predicted class of each image (the class the gradient methods explain). */
  predicted: number[];
  /** Probability of that class. */
  confidence: number[];
}

/**
 * Explains `images` `[N, H, W, C]` (in [0, 1]) with each of `cams` for the predicted class and
 * renders the gallery. `model` is a classifier whose backbone layers are at its top level
 * (`createResNet({ includeTop: true })` or `attachClassifier(...)`); the CAM layer is the
 * backbone's last block (`defaultCamLayer`).
 */
export async function camFigure(
  model: tfl.LayersModel,
  images: tf.Tensor4D,
  cams: readonly CamMethodName[],
  options: { scale?: number; targets?: number[] } = {},
): Promise<CamFigureResult> {
  const targetLayer = defaultCamLayer(model);
  const probabilities = tf.tidy(() => tf.softmax(model.predict(images) as tf.Tensor2D));
  const probs = (await probabilities.array()) as number[][];
  probabilities.dispose();
  const predicted = probs.map((row) => row.indexOf(Math.max(...row)));
  const targets = options.targets ?? predicted;
  const maps: Record<string, tf.Tensor3D> = {};
  try {
    for (const name of cams) {
      const cam = explainer(name, model, targetLayer);
      try {
        maps[LABELS[name]] = cam.explain(images, { targets });
      } finally {
        cam.dispose();
      }
    }
    const n = images.shape[0];
    const figure = tf.tidy(() => {
      const blocks: tf.Tensor3D[] = [];
      for (let i = 0; i < n; i++) {
        const image = tf.squeeze(tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]), [0]);
        const grey = image.shape[2] === 3 ? tf.mean(image, 2, true) : image;
        const rows = Object.fromEntries(
          Object.entries(maps).map(([k, m]) => [
            k,
            tf.squeeze(tf.slice(m, [i, 0, 0], [1, -1, -1]), [0]),
          ]),
        );
        const block = camGrid(grey, rows, { scale: options.scale ?? 2 });
        blocks.push(block);
        if (i < n - 1) blocks.push(tf.fill([8, block.shape[1], 3], 255, 'int32') as tf.Tensor3D);
      }
      return tf.concat(blocks, 0);
    });
    const png = await encodePng(figure);
    figure.dispose();
    return { png, predicted, confidence: predicted.map((c, i) => probs[i]![c]!) };
  } finally {
    tf.dispose(Object.values(maps));
  }
}
