/**
 * Grad-CAM (pytorch-grad-cam `grad_cam.py`, spec §2.1).
 *
 * [0] Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 *     Localization", ICCV 2017, https://arxiv.org/abs/1610.02391
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext } from '../cam-types.js';
import { spatialAxes } from '../internal/spatial.js';

/**
 * Grad-CAM: channel weights `w_k = mean_ij G_k`, map `relu(Σ_k w_k A_k)`.
 *
 * @example
 * ```ts
 * const cam = new GradCam(model, { targetLayer: 'layer4.2' });
 * const maps = cam.explain(images); // [N, H, W] in [0, 1], argmax classes
 * cam.dispose();
 * ```
 */
export class GradCam extends BaseCam {
  protected override channelWeights({ gradients }: CamContext): tf.Tensor {
    return tf.mean(gradients!, spatialAxes(gradients!));
  }
}
