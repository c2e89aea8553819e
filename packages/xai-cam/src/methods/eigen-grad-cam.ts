/**
 * EigenGradCAM (pytorch-grad-cam `eigen_grad_cam.py`, spec §2.8).
 *
 * [0] pytorch-grad-cam, https://github.com/jacobgil/pytorch-grad-cam (EigenCAM [1] on G ⊙ A)
 * [1] Muhammad & Yeasin, 2020, https://arxiv.org/abs/2008.00299
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext, RawCam } from '../cam-types.js';

/**
 * EigenGradCAM: the first-principal-component projection of `G ⊙ A` — class-discriminative
 * like Grad-CAM, cleaner like EigenCAM. Sign as in {@link EigenCam}; `eigenSmooth` is ignored.
 *
 * @example
 * ```ts
 * const maps = new EigenGradCam(model, { targetLayer: 'layer4.2' }).explain(images, { targets: [5] });
 * ```
 */
export class EigenGradCam extends BaseCam {
  protected override computeRaw({ activations, gradients }: CamContext): RawCam {
    return { raw: this.project(tf.mul(gradients!, activations)) };
  }
}
