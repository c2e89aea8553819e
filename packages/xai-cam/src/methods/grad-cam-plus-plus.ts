/**
 * Grad-CAM++ (pytorch-grad-cam `grad_cam_plusplus.py`, spec §2.2).
 *
 * [0] Chattopadhyay et al., "Grad-CAM++: Improved Visual Explanations for Deep Convolutional
 *     Networks", WACV 2018, https://arxiv.org/abs/1710.11063
 */
import * as tf from '@tensorflow/tfjs-core';
import { BaseCam } from '../base-cam.js';
import type { CamContext } from '../cam-types.js';
import { spatialAxes } from '../internal/spatial.js';

/**
 * Grad-CAM++: with `S_k = Σ_ij A_k`,
 * `α = G² / (2G² + S_k·G³ + 1e-6)` (α = 0 where G = 0), `w_k = Σ_ij relu(G)·α`.
 *
 * Porting note: like pytorch-grad-cam, the plain logit gradients are used (no exp(score) of the
 * paper), and the 1e-6 in the denominator is kept — at ResNet's last layer G² ≈ 1e-4, so it
 * moves the map by up to 0.03 (spec §8).
 *
 * @example
 * ```ts
 * const maps = new GradCamPlusPlus(model, { targetLayer: 'layer4.2' }).explain(images);
 * ```
 */
export class GradCamPlusPlus extends BaseCam {
  protected override channelWeights({ activations, gradients }: CamContext): tf.Tensor {
    const axes = spatialAxes(activations);
    const g = gradients!;
    const g2 = tf.square(g);
    const g3 = tf.mul(g2, g);
    const sumA = tf.sum(activations, axes, true);
    const alpha = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), 1e-6));
    const alphaMasked = tf.where(tf.notEqual(g, 0), alpha, tf.zerosLike(alpha));
    return tf.sum(tf.mul(tf.relu(g), alphaMasked), axes);
  }
}
