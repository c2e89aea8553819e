/**
 * One pass through a split model: activations, model outputs, targets and (for gradient
 * methods) `G = ∂(Σ_b target_b(output_b)) / ∂A` — spec §1 and §7.5.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSplit } from '../split-model.js';
import type { CamTarget } from '../targets.js';
import { argmaxTargets, scoreTargets } from './resolve-targets.js';

/** What one pass computed. Tensors are tracked by the enclosing `tf.tidy`. */
export interface LayerPass {
  activations: tf.Tensor;
  crossing: tf.Tensor[];
  /** Model outputs, when the pass needed them (gradients or default targets). */
  outputs?: tf.Tensor;
  gradients?: tf.Tensor;
  /** One per image; `undefined` only when no targets were needed. */
  targets?: CamTarget[];
}

/** What a pass must compute. */
export interface PassNeeds {
  gradients: boolean;
  targets: boolean;
}

/**
 * Runs the head, then, as needed, the tail (for default targets) or the tail under a gradient
 * tape. Call inside `tf.tidy`.
 */
export function runLayerPass(
  fn: string,
  split: ModelSplit,
  images: tf.Tensor,
  given: CamTarget[] | undefined,
  needs: PassNeeds,
): LayerPass {
  const { activation, crossing } = split.head(images);
  if (!needs.gradients) {
    if (!needs.targets || given) return { activations: activation, crossing, targets: given };
    const outputs = split.tail(activation, crossing);
    return { activations: activation, crossing, outputs, targets: argmaxTargets(fn, outputs) };
  }
  let kept: tf.Tensor | undefined;
  let targets = given;
  try {
    const gradients = tf.grad((a: tf.Tensor) => {
      const outputs = split.tail(a, crossing);
      kept = tf.keep(outputs);
      targets ??= argmaxTargets(fn, outputs);
      return tf.sum(scoreTargets(fn, targets, outputs));
    })(activation);
    // Re-home the kept outputs in the caller's tidy scope.
    const outputs = tf.clone(kept!);
    return { activations: activation, crossing, outputs, gradients, targets };
  } finally {
    kept?.dispose();
  }
}
