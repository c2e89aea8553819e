/**
 * CAM targets: what is explained. A target maps a batch of model outputs (all for the same image,
 * or for images that share the target) to one score per row; gradient methods differentiate the
 * sum of the scores, ScoreCAM compares them across masked inputs.
 *
 * pytorch-grad-cam equivalents: `ClassifierOutputTarget`, `ClassifierOutputSoftmaxTarget`,
 * `BinaryClassifierOutputTarget`, `SimilarityToConceptTarget` (utils/model_targets.py).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';

/**
 * A target: model outputs `[M, ...outputShape]` → scores `[M]`. Runs inside `tf.tidy` and under
 * a gradient tape, so it must use differentiable tfjs ops and must not dispose its input.
 */
export type CamTarget = (outputs: tf.Tensor) => tf.Tensor;

/** A target, or a class index meaning {@link classTarget}`(index)`. */
export type TargetSpec = number | CamTarget;

function checkIndex(fn: string, index: number): void {
  if (!Number.isInteger(index) || index < 0) {
    throw new ConfigError({
      fn,
      problem: 'the class index must be a non-negative integer',
      got: index,
    });
  }
}

function classColumn(fn: string, outputs: tf.Tensor, index: number): tf.Tensor {
  if (outputs.rank !== 2 || index >= outputs.shape[1]!) {
    throw new ShapeError({
      fn,
      problem: `class ${index} does not exist in the model output`,
      expected: `outputs [batch, classes] with more than ${index} classes`,
      got: outputs.shape,
      fix: 'Pass a class index smaller than the number of classes, or a target that fits the output',
    });
  }
  return tf.reshape(tf.slice(outputs, [0, index], [-1, 1]), [-1]);
}

/**
 * The raw logit of class `index` — pytorch-grad-cam's default `ClassifierOutputTarget`. Not the
 * softmax probability (that changes maps by 0.2–1.0, spec §8).
 *
 * @throws {ConfigError} for a negative or non-integer index; {@link ShapeError} at explain time
 *   when the output has no such class.
 * @example
 * ```ts
 * cam.explain(images, { targets: [classTarget(5)] });
 * ```
 */
export function classTarget(index: number): CamTarget {
  checkIndex('classTarget', index);
  return (outputs) => classColumn('classTarget', outputs, index);
}

/**
 * The softmax probability of class `index` over the last axis (`ClassifierOutputSoftmaxTarget`).
 *
 * @throws {ConfigError} for a negative or non-integer index.
 * @example
 * ```ts
 * cam.explain(images, { targets: [softmaxTarget(2)] });
 * ```
 */
export function softmaxTarget(index: number): CamTarget {
  checkIndex('softmaxTarget', index);
  return (outputs) => classColumn('softmaxTarget', tf.softmax(outputs, -1), index);
}

/**
 * For a model with one output logit per image (`[M]` or `[M, 1]`): the logit itself for
 * `category = 1`, its negative for `category = 0` (`BinaryClassifierOutputTarget`).
 *
 * @throws {ConfigError} when `category` is not 0 or 1.
 * @example
 * ```ts
 * cam.explain(images, { targets: [binaryTarget(1)] }); // evidence for the positive class
 * ```
 */
export function binaryTarget(category: 0 | 1): CamTarget {
  if (category !== 0 && category !== 1) {
    throw new ConfigError({
      fn: 'binaryTarget',
      problem: 'category must be 0 or 1',
      got: category,
    });
  }
  return (outputs) => {
    if (outputs.size !== outputs.shape[0]) {
      throw new ShapeError({
        fn: 'binaryTarget',
        problem: 'the model must output one logit per image',
        expected: '[batch] or [batch, 1]',
        got: outputs.shape,
      });
    }
    const logit = tf.reshape(outputs, [-1]);
    return category === 1 ? logit : tf.neg(logit);
  };
}

/**
 * Cosine similarity between each output embedding and `reference` (`SimilarityToConceptTarget`):
 * explains what makes an image look like a reference embedding, e.g. for a self-supervised
 * backbone without classifier. `cos = x·r / max(‖x‖‖r‖, 1e-8)` as in `torch.nn.CosineSimilarity`.
 * The reference values are copied: the caller keeps ownership of a tensor passed in.
 *
 * @param reference The embedding to compare with, `[D]` (a tensor or numbers).
 * @throws {ShapeError} when `reference` is empty, or at explain time when the outputs are not
 *   `[batch, D]`.
 * @example
 * ```ts
 * const concept = backbone.predict(tumourExample) as tf.Tensor2D; // [1, 2048]
 * const cam = new GradCam(backbone, { targetLayer: 'layer4.2' });
 * cam.explain(images, { targets: [embeddingSimilarityTarget(concept.dataSync())] });
 * ```
 */
export function embeddingSimilarityTarget(reference: tf.Tensor | ArrayLike<number>): CamTarget {
  const values = Float32Array.from(
    reference instanceof tf.Tensor ? reference.dataSync() : Array.from(reference),
  );
  if (values.length === 0) {
    throw new ShapeError({
      fn: 'embeddingSimilarityTarget',
      problem: 'the reference embedding is empty',
      expected: 'a vector [D] with D > 0',
    });
  }
  return (outputs) => {
    if (outputs.rank !== 2 || outputs.shape[1] !== values.length) {
      throw new ShapeError({
        fn: 'embeddingSimilarityTarget',
        problem: 'the model outputs do not match the reference embedding',
        expected: `[batch, ${values.length}]`,
        got: outputs.shape,
      });
    }
    const ref = tf.tensor1d(values);
    const dot = tf.sum(tf.mul(outputs, ref), -1);
    const norms = tf.mul(tf.norm(outputs, 'euclidean', -1), tf.norm(ref));
    return tf.div(dot, tf.maximum(norms, 1e-8));
  };
}
