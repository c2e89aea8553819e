/**
 * LayerCAM (pytorch-grad-cam `layer_cam.py`, spec §2.4).
 *
 * [0] Jiang et al., "LayerCAM: Exploring Hierarchical Class Activation Maps for Localization",
 *     IEEE TIP 2021, https://doi.org/10.1109/TIP.2021.3089943
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext, RawCam } from '../cam-types.js';

/**
 * LayerCAM: per-position weights, `raw = Σ_k relu(G_k) ⊙ A_k` (no channel weights).
 *
 * @example
 * ```ts
 * const maps = new LayerCam(model, { targetLayer: 'layer3.5' }).explain(images);
 * ```
 */
export class LayerCam extends BaseCam {
  protected override computeRaw({ activations, gradients, eigenSmooth }: CamContext): RawCam {
    return { raw: this.reduceChannels(tf.mul(tf.relu(gradients!), activations), eigenSmooth) };
  }
}
