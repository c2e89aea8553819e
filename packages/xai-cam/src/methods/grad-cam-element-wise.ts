/**
 * Grad-CAM element-wise (pytorch-grad-cam `grad_cam_elementwise.py`, spec §2.6).
 *
 * [0] pytorch-grad-cam, https://github.com/jacobgil/pytorch-grad-cam (a variant of HiResCAM [1])
 * [1] Draelos & Carin, 2020, https://arxiv.org/abs/2011.08891
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext, RawCam } from '../cam-types.js';

/**
 * Element-wise Grad-CAM: `raw = Σ_k relu(G_k ⊙ A_k)`.
 *
 * @example
 * ```ts
 * const maps = new GradCamElementWise(model, { targetLayer: 'layer3.5' }).explain(images);
 * ```
 */
export class GradCamElementWise extends BaseCam {
  protected override computeRaw({ activations, gradients, eigenSmooth }: CamContext): RawCam {
    return { raw: this.reduceChannels(tf.relu(tf.mul(gradients!, activations)), eigenSmooth) };
  }
}
