/**
 * EigenCAM (pytorch-grad-cam `eigen_cam.py`, spec §2.7).
 *
 * [0] Muhammad & Yeasin, "Eigen-CAM: Class Activation Map using Principal Components", IJCNN
 *     2020, https://arxiv.org/abs/2008.00299
 */
import { BaseCam } from '../base-cam.js';
import type { CamContext, RawCam } from '../cam-types.js';

/**
 * EigenCAM: the projection of the channel-centred activations on their first principal
 * component (`projectFirstComponent`). No gradients and no targets: it shows what the layer
 * responds to most, whatever the class. `eigenSmooth` is ignored.
 *
 * Porting note: the SVD sign is arbitrary and pytorch-grad-cam does not correct it, so its map
 * is either ours or the one with `flipSign: true` (they are complementary after the ReLU). Ours
 * is deterministic: `eigenSign` (default `'channelSum'`) picks it.
 *
 * @example
 * ```ts
 * const maps = new EigenCam(model, { targetLayer: 'layer4.2' }).explain(images);
 * ```
 */
export class EigenCam extends BaseCam {
  protected override readonly usesGradients = false;
  protected override readonly usesTargets = false;

  protected override computeRaw({ activations }: CamContext): RawCam {
    return { raw: this.project(activations) };
  }
}
