/**
 * Confidence change when the image is multiplied by its CAM (pytorch-grad-cam
 * `metrics/cam_mult_image.py`, spec §5).
 *
 * [0] Chattopadhyay et al., "Grad-CAM++", WACV 2018, https://arxiv.org/abs/1710.11063 (§6,
 *     "Average Drop" / "Increase in Confidence")
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  checkCams,
  differences,
  type MetricOptions,
  metricTargets,
  targetScores,
} from './model-scores.js';

/**
 * `images ⊙ cams`, each map broadcast over the channels: `[N, ...spatial, C]` (caller owns it).
 *
 * @example
 * ```ts
 * const kept = camMultImage(images, maps);
 * ```
 */
export function camMultImage(images: tf.Tensor, cams: tf.Tensor): tf.Tensor {
  checkCams('camMultImage', images, cams);
  return tf.tidy(() => tf.mul(images, tf.expandDims(cams, -1)));
}

/**
 * `score(X ⊙ cam) − score(X)` per image: how much of the target's logit the highlighted region
 * keeps on its own (`CamMultImageConfidenceChange`). Applied to the preprocessed input, as
 * upstream. Inputs are not disposed.
 *
 * @param cams `[N, H, W]` in [0, 1], e.g. from `explain`.
 * @returns `[N]` float32 differences.
 * @throws {ShapeError} when `cams` does not match `images`, or on a wrong `targets` length.
 * @example
 * ```ts
 * const change = camMultConfidenceChange(model, images, maps, { targets: [3, 10] });
 * ```
 */
export function camMultConfidenceChange(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: MetricOptions = {},
): Float32Array {
  const fn = 'camMultConfidenceChange';
  checkCams(fn, images, cams);
  const targets = metricTargets(fn, model, images, options);
  const before = targetScores(fn, model, images, targets);
  const perturbed = camMultImage(images, cams);
  try {
    return differences(targetScores(fn, model, perturbed, targets), before);
  } finally {
    perturbed.dispose();
  }
}

/**
 * `max(−change, 0)` per image (`DropInConfidence`; lower is better).
 *
 * @throws As {@link camMultConfidenceChange}.
 * @example
 * ```ts
 * const drop = dropInConfidence(model, images, maps);
 * ```
 */
export function dropInConfidence(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: MetricOptions = {},
): Float32Array {
  return camMultConfidenceChange(model, images, cams, options).map((c) => Math.max(-c, 0));
}

/**
 * `1` where the score increased, else `0`, per image (`IncreaseInConfidence`; its mean over a
 * dataset is the "increase in confidence" rate).
 *
 * @throws As {@link camMultConfidenceChange}.
 * @example
 * ```ts
 * const increased = increaseInConfidence(model, images, maps);
 * ```
 */
export function increaseInConfidence(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: MetricOptions = {},
): Float32Array {
  return camMultConfidenceChange(model, images, cams, options).map((c) => (c > 0 ? 1 : 0));
}
