/**
 * Options and result types shared by every explainer.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { EigenSign } from './eigen-projection.js';
import type { ModelSplit } from './split-model.js';
import type { CamTarget, TargetSpec } from './targets.js';

/** Options of every explainer's constructor. */
export interface CamOptions {
  /**
   * The layer(s) whose output is explained, e.g. `'layer4.2'` (ResNet-50's `model.layer4[-1]`)
   * or `'layer4.1'` (ResNet-18). Several layers: each map is computed separately and the maps
   * are averaged (spec §3). Required.
   */
  targetLayer: string | readonly string[];
  /** Sign convention of EigenCAM, EigenGradCAM and `eigenSmooth` (default `'channelSum'`). */
  eigenSign?: EigenSign;
  /** Negate the principal-component projection (the other SVD sign; default `false`). */
  flipSign?: boolean;
}

/** Options of `explain`, `explainLayers` and `explainDetailed`. */
export interface ExplainOptions {
  /**
   * What to explain: one entry per image, or one entry for every image. Numbers are class
   * indices ({@link classTarget}, the raw logit). Default: the argmax class of each image.
   */
  targets?: readonly TargetSpec[];
  /**
   * Replace the channel sum by the first-principal-component projection of the weighted
   * activations (pytorch-grad-cam `eigen_smooth`, spec §1.4). Default `false`.
   */
  eigenSmooth?: boolean;
  /**
   * Average the maps of 6 test-time augmentations (flip × intensity 0.9/1/1.1; pytorch-grad-cam
   * `aug_smooth`, spec §1.3). Not renormalised. Default `false`.
   */
  augSmooth?: boolean;
}

/** What a method sees when it computes its raw map (all tensors borrowed, inside `tf.tidy`). */
export interface CamContext {
  /** The input images `[N, ...spatial, C]`. */
  images: tf.Tensor;
  /** Target-layer activations `A` `[N, ...s, K]`. */
  activations: tf.Tensor;
  /** `G = ∂(Σ_b target_b(output_b)) / ∂A` `[N, ...s, K]` (gradient methods only). */
  gradients?: tf.Tensor;
  /** One target per image (methods that use targets only). */
  targets?: CamTarget[];
  /** The model cut at the target layer (ScoreCAM runs the whole model through it). */
  split: ModelSplit;
  /** Whether `eigenSmooth` was requested. */
  eigenSmooth: boolean;
}

/** A method's raw map and, for channel-weighting methods, its weights. */
export interface RawCam {
  /** `get_cam_image` output, before the ReLU, `[N, ...s]`. */
  raw: tf.Tensor;
  /** Channel weights `[N, K]`, when the method has them. */
  weights?: tf.Tensor;
}

/** Intermediate results of one target layer (see `explainDetailed`). */
export interface CamLayerDetails {
  layer: string;
  activations: tf.Tensor;
  gradients?: tf.Tensor;
  weights?: tf.Tensor;
  /** Raw map before the ReLU `[N, ...s]` (fixtures' `cam_raw`). */
  raw: tf.Tensor;
  /** `minmax(relu(raw))` `[N, ...s]` (fixtures' `cam_lowres`). */
  lowRes: tf.Tensor;
  /** `lowRes` resized to the input size `[N, ...spatial]`, before the layers are averaged. */
  upsampled: tf.Tensor;
}

/** Everything `explainDetailed` computed; the caller owns every tensor (`tf.dispose(details)`). */
export interface CamDetails {
  /** The final map `[N, ...spatial]` in [0, 1], equal to `explain`'s. */
  cam: tf.Tensor;
  /** The model's outputs, when they were computed (not for EigenCAM). */
  outputs?: tf.Tensor;
  /** The targets used, one per image (default: argmax), when the method uses targets. */
  targets?: CamTarget[];
  layers: CamLayerDetails[];
}
