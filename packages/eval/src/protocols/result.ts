/**
 * What every evaluation protocol returns: predictions, the classification report and bootstrap
 * confidence intervals of the headline metrics.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type BootstrapOptions,
  bootstrapCi,
  type ConfidenceInterval,
} from '../metrics/bootstrap.js';
import { type ClassificationReport, classificationReport } from '../metrics/classification.js';
import { topKAccuracy } from '../metrics/top-k.js';
import type { EvalProtocol } from './progress.js';

/** One epoch of training. */
export interface EpochRecord {
  /** 0-based epoch. */
  epoch: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Training accuracy of the epoch (on the augmented batches, before each update). */
  accuracy: number;
  /** Learning rate of the epoch's last step. */
  learningRate: number;
}

/** Bootstrap intervals of the headline metrics (same resamples for all three). */
export interface MetricIntervals {
  accuracy: ConfidenceInterval;
  balancedAccuracy: ConfidenceInterval;
  macroF1: ConfidenceInterval;
}

/** The result of {@link linearProbe}, {@link fineTune}, {@link knnEval} or {@link trainSupervised}. */
export interface EvaluationResult {
  protocol: EvalProtocol;
  numClasses: number;
  classNames: string[];
  /** True class of each test sample. */
  labels: Int32Array;
  /** Predicted class of each test sample. */
  predictions: Int32Array;
  /** Class probabilities of each test sample (softmax, or normalised k-NN votes). */
  probabilities: Float32Array[];
  report: ClassificationReport;
  /** 95 % (by default) percentile-bootstrap intervals over the test samples. */
  intervals: MetricIntervals;
  /** Top-5 accuracy when there are at least 5 classes, else null. */
  top5: number | null;
  /** Per-epoch training record (empty for k-NN). */
  history: EpochRecord[];
  /** Number of labelled training samples used. */
  trainSize: number;
  /** Wall-clock seconds of the whole call. */
  seconds: number;
  /** Resolved hyper-parameters, for the record. */
  settings: Record<string, number | string | boolean | null>;
}

/** Builds the metric part of an {@link EvaluationResult}. */
export function summarizePredictions(
  labels: Int32Array,
  probabilities: Float32Array[],
  numClasses: number,
  classNames: readonly string[] | undefined,
  bootstrap: BootstrapOptions | undefined,
): Pick<
  EvaluationResult,
  'labels' | 'predictions' | 'probabilities' | 'report' | 'intervals' | 'top5' | 'classNames'
> {
  const predictions = Int32Array.from(probabilities, (row) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if (row[c]! > row[best]!) best = c;
    return best;
  });
  const names = Array.from({ length: numClasses }, (_, c) => classNames?.[c] ?? `class ${c}`);
  const report = classificationReport(labels, predictions, { numClasses, classNames: names });
  const opts = { numClasses };
  const ci = (metric: (r: ClassificationReport) => number) =>
    bootstrapCi(labels, predictions, (t, p) => metric(classificationReport(t, p, opts)), bootstrap);
  return {
    labels,
    predictions,
    probabilities,
    report,
    classNames: names,
    intervals: {
      accuracy: ci((r) => r.accuracy),
      balancedAccuracy: ci((r) => r.balancedAccuracy),
      macroF1: ci((r) => r.macro.f1),
    },
    top5: numClasses >= 5 ? topKAccuracy(probabilities, labels, 5) : null,
  };
}

/** Splits a row-major `[n, k]` buffer into rows. */
export function rowsOf(values: Float32Array, k: number): Float32Array[] {
  return Array.from({ length: values.length / k }, (_, i) => values.slice(i * k, (i + 1) * k));
}

/** Mean softmax cross-entropy of `logits` `[N, K]` against int32 `labels` `[N]`. */
export function crossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  numClasses: number,
): tf.Scalar {
  return tf.tidy(() =>
    tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, numClasses), tf.logSoftmax(logits)), 1))),
  ) as tf.Scalar;
}
