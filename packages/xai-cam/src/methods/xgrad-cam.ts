/**
 * XGrad-CAM (pytorch-grad-cam `xgrad_cam.py`, spec §2.3).
 *
 * [0] Fu et al., "Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of CNNs",
 *     BMVC 2020, https://arxiv.org/abs/2008.02312
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext } from '../cam-types.js';
import { spatialAxes } from '../internal/spatial.js';

/**
 * XGrad-CAM: `w_k = Σ_ij G_k·A_k / (Σ_ij A_k + 1e-7)`.
 *
 * @example
 * ```ts
 * const maps = new XGradCam(model, { targetLayer: 'layer4.2' }).explain(images);
 * ```
 */
export class XGradCam extends BaseCam {
  protected override channelWeights({ activations, gradients }: CamContext): tf.Tensor {
    const axes = spatialAxes(activations);
    const sumA = tf.sum(activations, axes);
    return tf.div(tf.sum(tf.mul(gradients!, activations), axes), tf.add(sumA, 1e-7));
  }
}
