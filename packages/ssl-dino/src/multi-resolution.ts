/**
 * Multi-crop forward pass: the backbone once per resolution, the head once on everything
 * (official DINO `utils.MultiCropWrapper`).
 *
 * Reference: DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294; SwAV, Caron et al. 2020,
 * https://arxiv.org/abs/2006.09882 (multi-crop).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Groups consecutive views of the same height × width (as the official `unique_consecutive`),
 * runs `backbone` once per group on the concatenated views (BN statistics per group, as
 * PyTorch), then `head` once on all features, in training mode.
 *
 * A ResNet ending in global average pooling accepts any input size when built with
 * `inputShape: [null, null, C]`; one forward per group rather than per crop keeps the batch
 * large.
 *
 * @param views `[N, h, w, C]` each. Not disposed.
 * @returns `[V·N, K]`: rows `v·N … v·N + N − 1` belong to view v. Owned by the caller.
 */
export function forwardByResolution(
  backbone: tfl.LayersModel,
  head: tfl.LayersModel,
  views: readonly tf.Tensor4D[],
): tf.Tensor2D {
  return tf.tidy(() => {
    const features: tf.Tensor[] = [];
    let start = 0;
    while (start < views.length) {
      const [h, w] = [views[start]!.shape[1], views[start]!.shape[2]];
      let end = start + 1;
      while (end < views.length && views[end]!.shape[1] === h && views[end]!.shape[2] === w) end++;
      const group = end - start === 1 ? views[start]! : tf.concat(views.slice(start, end), 0);
      features.push(backbone.apply(group, { training: true }) as tf.Tensor);
      start = end;
    }
    const all = features.length === 1 ? features[0]! : tf.concat(features, 0);
    return head.apply(all, { training: true }) as tf.Tensor2D;
  });
}
