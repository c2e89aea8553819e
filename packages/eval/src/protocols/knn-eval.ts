/**
 * Weighted k-nearest-neighbour evaluation of frozen features (DINO's `eval_knn.py`, spec §6).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@tumorxai/core';
import { isFeatures, type LabeledData, resolveSelection } from '../data/inputs.js';
import type { BootstrapOptions } from '../metrics/bootstrap.js';
import { extractFeatures } from './extract-features.js';
import { type LongRunningOptions, nextTick, ProgressMeter, throwIfAborted } from './progress.js';
import { type EvaluationResult, rowsOf, summarizePredictions } from './result.js';

/** Options of {@link knnEval}. */
export interface KnnEvalOptions extends LongRunningOptions {
  /** The frozen backbone; required when `train` / `test` are images. Not modified. */
  backbone?: tfl.LayersModel;
  /** The labelled memory bank (images or features). */
  train: LabeledData;
  /** The queries. */
  test: LabeledData;
  numClasses: number;
  classNames?: readonly string[];
  /** Neighbours (default 20; capped at the training-set size). */
  k?: number;
  /** Temperature T of the weights exp(s/T) (default 0.07). */
  temperature?: number;
  /** Test samples per similarity block (default 256). */
  chunkSize?: number;
  /** Images per frozen forward pass (default 64). */
  featureBatchSize?: number;
  bootstrap?: BootstrapOptions;
}

const l2n = (x: tf.Tensor2D) =>
  tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;

/**
 * Weighted k-NN classification (Wu et al. 2018; DINO, Caron et al. 2021,
 * https://arxiv.org/abs/2104.14294): features are l2-normalised; for each test sample the `k`
 * training samples of highest cosine similarity s vote for their class with weight exp(s/T);
 * the prediction is the class with the largest total. The reported probabilities are the votes
 * normalised to sum to 1.
 *
 * Decision: when `k` exceeds the training-set size (1 % label fractions), all training samples
 * vote; `settings.k` records the value used.
 *
 * @returns An {@link EvaluationResult} (empty `history`).
 * @throws {ShapeError} for inconsistent data. {ConfigError} for invalid options.
 * @throws {AbortError} when `signal` fires.
 * @example
 * ```ts
 * const r = await knnEval({ backbone, numClasses: 17, train: { images, labels, indices: split.train.indices },
 *   test: { images, labels, indices: split.test.indices } });
 * ```
 */
export async function knnEval(options: KnnEvalOptions): Promise<EvaluationResult> {
  const fn = 'knnEval';
  const began = performance.now();
  const { numClasses } = options;
  const temperature = options.temperature ?? 0.07;
  const chunkSize = options.chunkSize ?? 256;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ConfigError({ fn, problem: 'numClasses must be an integer >= 2', got: numClasses });
  }
  if (!Number.isInteger(options.k ?? 20) || (options.k ?? 20) < 1) {
    throw new ConfigError({ fn, problem: 'k must be a positive integer', got: options.k });
  }
  if (!(temperature > 0) || !Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new ConfigError({
      fn,
      problem: 'temperature and chunkSize must be positive',
      got: { temperature, chunkSize },
    });
  }
  const train = resolveSelection(fn, 'train', options.train, numClasses);
  const test = resolveSelection(fn, 'test', options.test, numClasses);
  const k = Math.min(options.k ?? 20, train.labels.length);
  const embed = async (data: LabeledData, indices: Int32Array): Promise<tf.Tensor2D> => {
    let raw: tf.Tensor2D;
    if (isFeatures(data)) {
      raw = tf.tidy(() => tf.gather(data.features, tf.tensor1d(indices, 'int32')));
    } else if (options.backbone) {
      raw = await extractFeatures(
        options.backbone,
        { images: data.images, indices },
        {
          batchSize: options.featureBatchSize,
          onProgress: options.onProgress,
          signal: options.signal,
        },
      );
    } else {
      throw new ConfigError({
        fn,
        problem: 'images were given without a backbone',
        fix: 'Pass { backbone } or { features, labels }',
      });
    }
    const normalised = tf.tidy(() => l2n(raw));
    raw.dispose();
    return normalised;
  };
  const bank = await embed(options.train, train.indices);
  const bankLabels = tf.tensor1d(train.labels, 'int32');
  let queries: tf.Tensor2D | null = null;
  try {
    queries = await embed(options.test, test.indices);
    const n = test.labels.length;
    const votes = new Float32Array(n * numClasses);
    const chunks = Math.ceil(n / chunkSize);
    const meter = new ProgressMeter('predict', chunks, options.onProgress);
    for (let c = 0; c < chunks; c++) {
      throwIfAborted(fn, options.signal, `after ${c} of ${chunks} blocks`);
      const start = c * chunkSize;
      const size = Math.min(chunkSize, n - start);
      const q = queries;
      const scores = tf.tidy(() => {
        const block = tf.slice(q, [start, 0], [size, -1]);
        const similarity = tf.matMul(block, bank, false, true); // [size, N_train]
        const { values, indices } = tf.topk(similarity, k);
        const weights = tf.exp(tf.div(values, temperature)); // [size, k]
        const neighbourLabels = tf.gather(bankLabels, tf.reshape(indices, [-1]));
        const oneHot = tf.reshape(tf.oneHot(neighbourLabels, numClasses), [size, k, numClasses]);
        const sum = tf.sum(tf.mul(oneHot, tf.expandDims(weights, 2)), 1); // [size, classes]
        return tf.div(sum, tf.sum(sum, 1, true));
      });
      votes.set(await scores.data(), start * numClasses);
      scores.dispose();
      meter.tick(c + 1, size);
      await nextTick();
    }
    return {
      protocol: 'knn',
      numClasses,
      ...summarizePredictions(
        test.labels,
        rowsOf(votes, numClasses),
        numClasses,
        options.classNames,
        options.bootstrap,
      ),
      history: [],
      trainSize: train.labels.length,
      seconds: (performance.now() - began) / 1000,
      settings: { k, temperature },
    };
  } finally {
    tf.dispose(queries ? [bank, bankLabels, queries] : [bank, bankLabels]);
  }
}
