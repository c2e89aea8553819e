/**
 * Linear evaluation: a frozen backbone's features, a linear classifier on top (spec §6).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@tumorxai/core';
import { isFeatures, type LabeledData, resolveSelection } from '../data/inputs.js';
import type { BootstrapOptions } from '../metrics/bootstrap.js';
import { extractFeatures } from './extract-features.js';
import {
  type LinearClassifierOptions,
  type LinearHead,
  linearLogits,
  trainLinearClassifier,
} from './linear-classifier.js';
import { type EvaluationResult, rowsOf, summarizePredictions } from './result.js';

/** Options of {@link linearProbe}. */
export interface LinearProbeOptions extends LinearClassifierOptions {
  /** The frozen backbone; required when `train` / `test` are images. Not modified. */
  backbone?: tfl.LayersModel;
  /** Labelled training images or features. */
  train: LabeledData;
  /** Labelled test images or features. */
  test: LabeledData;
  numClasses: number;
  /** Class names for the report (default `class 0`, …). */
  classNames?: readonly string[];
  /** Images per frozen forward pass (default 64). */
  featureBatchSize?: number;
  /** Bootstrap of the intervals (default 1000 resamples, 95 %, seed 0). */
  bootstrap?: BootstrapOptions;
}

/** {@link EvaluationResult} plus the trained classifier. */
export interface LinearProbeResult extends EvaluationResult {
  /** The classifier on the raw backbone features; owned by the caller (dispose its tensors). */
  head: LinearHead;
}

/** Features of the selected rows: extracted from images, or gathered from given features. */
async function featuresOf(
  data: LabeledData,
  indices: Int32Array,
  options: LinearProbeOptions,
): Promise<tf.Tensor2D> {
  if (isFeatures(data)) {
    return tf.tidy(() => tf.gather(data.features, tf.tensor1d(indices, 'int32')));
  }
  if (!options.backbone) {
    throw new ConfigError({
      fn: 'linearProbe',
      problem: 'images were given without a backbone',
      fix: 'Pass { backbone } or precomputed { features, labels }',
    });
  }
  return extractFeatures(
    options.backbone,
    { images: data.images, indices },
    {
      batchSize: options.featureBatchSize,
      onProgress: options.onProgress,
      signal: options.signal,
    },
  );
}

/**
 * Linear evaluation of a frozen backbone: features once with BatchNorm in inference mode
 * ({@link extractFeatures}), then a softmax linear classifier ({@link trainLinearClassifier}:
 * W ~ N(0, 0.01), b = 0, SGD Nesterov m 0.9 or LARS, lr 0.1·B/256, cosine, 90 epochs, wd 0 by
 * default — lightly's benchmark and spec §6), then predictions on the test set with a
 * classification report and bootstrap intervals.
 *
 * Porting note: the reference protocols augment the training images (random crop + flip) every
 * epoch, which needs a backbone forward pass per epoch. We embed each image once, without
 * augmentation (as DINO's k-NN and CLIP's linear probes do): on a CPU this is what makes the
 * probe affordable, and the frozen features are then exactly reproducible.
 *
 * @returns An {@link EvaluationResult} and the trained `head` (caller-owned tensors).
 * @throws {ShapeError} for inconsistent data. {ConfigError} for invalid options or images
 *   without a backbone. {AbortError} when `signal` fires.
 * @example
 * ```ts
 * const result = await linearProbe({
 *   backbone: simclr.exportBackbone(), numClasses: 17, classNames,
 *   train: { images, labels, indices: split.train.indices },
 *   test: { images, labels, indices: split.test.indices },
 *   epochs: 100, learningRate: 0.1,
 * });
 * console.log(result.report.accuracy, result.intervals.accuracy);
 * tf.dispose([result.head.weight, result.head.bias]);
 * ```
 */
export async function linearProbe(options: LinearProbeOptions): Promise<LinearProbeResult> {
  const fn = 'linearProbe';
  const began = performance.now();
  const { numClasses } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ConfigError({ fn, problem: 'numClasses must be an integer >= 2', got: numClasses });
  }
  const train = resolveSelection(fn, 'train', options.train, numClasses);
  const test = resolveSelection(fn, 'test', options.test, numClasses);
  const trainFeatures = await featuresOf(options.train, train.indices, options);
  let trained: Awaited<ReturnType<typeof trainLinearClassifier>>;
  try {
    trained = await trainLinearClassifier(trainFeatures, train.labels, numClasses, options);
  } finally {
    trainFeatures.dispose();
  }
  const { head } = trained;
  try {
    const testFeatures = await featuresOf(options.test, test.indices, options);
    const probabilities = tf.tidy(() => tf.softmax(linearLogits(head, testFeatures)));
    testFeatures.dispose();
    const rows = rowsOf((await probabilities.data()) as Float32Array, numClasses);
    probabilities.dispose();
    return {
      protocol: 'linear-probe',
      numClasses,
      ...summarizePredictions(test.labels, rows, numClasses, options.classNames, options.bootstrap),
      history: trained.history,
      trainSize: train.labels.length,
      seconds: (performance.now() - began) / 1000,
      settings: { ...trained.settings },
      head,
    };
  } catch (error) {
    tf.dispose([head.weight, head.bias]);
    throw error;
  }
}
