/**
 * HiResCAM (pytorch-grad-cam `hirescam.py`, spec §2.5).
 *
 * [0] Draelos & Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of
 *     convolutional neural networks", 2020, https://arxiv.org/abs/2011.08891
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext, RawCam } from '../cam-types.js';

/**
 * HiResCAM: `raw = Σ_k G_k ⊙ A_k` (the gradient is not averaged over positions).
 *
 * @example
 * ```ts
 * const maps = new HiResCam(model, { targetLayer: 'layer3.5' }).explain(images);
 * ```
 */
export class HiResCam extends BaseCam {
  protected override computeRaw({ activations, gradients, eigenSmooth }: CamContext): RawCam {
    return { raw: this.reduceChannels(tf.mul(gradients!, activations), eigenSmooth) };
  }
}
