/**
 * A softmax linear classifier trained on frozen features: the inside of the linear probe.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  createRng,
  LARS,
  minimize,
  type Optimizer,
  SGD,
  ShapeError,
  warmupCosineLr,
} from '@tumorxai/core';
import { type LongRunningOptions, nextTick, ProgressMeter, throwIfAborted } from './progress.js';
import { crossEntropy, type EpochRecord } from './result.js';

/** A linear layer `logits = x·weight + bias`; tensors owned by whoever holds it. */
export interface LinearHead {
  /** `[d, numClasses]`. */
  weight: tf.Tensor2D;
  /** `[numClasses]`. */
  bias: tf.Tensor1D;
}

/** Optimisation settings of a linear classifier (defaults: spec §6, lightly's benchmark). */
export interface LinearClassifierOptions extends LongRunningOptions {
  /** Epochs (default 90). */
  epochs?: number;
  /** Samples per step (default 256, capped at the training-set size). */
  batchSize?: number;
  /** `'sgd'` (default; SGD with momentum, Nesterov by default) or `'lars'`. */
  optimizer?: 'sgd' | 'lars';
  /** Base learning rate for 256 samples per step (default 0.1). */
  learningRate?: number;
  /** Scale the rate by B/256 (default true: linear scaling, spec §0). */
  scaleLearningRate?: boolean;
  /** Momentum (default 0.9). */
  momentum?: number;
  /** Nesterov momentum for `'sgd'` (default true, as SimCLR and BYOL). */
  nesterov?: boolean;
  /** Weight decay (default 0). */
  weightDecay?: number;
  /** Linear warm-up epochs before the cosine decay to 0 (default 0). */
  warmupEpochs?: number;
  /**
   * Standardise every feature with the training set's mean and standard deviation before the
   * classifier (default true). The linear model is the same (the scaling is folded into the
   * returned head); only the conditioning of the optimisation changes — as the BatchNorm without
   * affine parameters in front of the classifier of MAE's linear probe (He et al. 2021).
   * Features constant on the training set get weight 0.
   */
  standardize?: boolean;
  /** Seed of the initialisation and the shuffles (default 0). */
  seed?: number;
}

/** The resolved settings, for the record. */
export interface LinearClassifierSettings {
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'lars';
  learningRate: number;
  baseLearningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  warmupEpochs: number;
  standardize: boolean;
  seed: number;
}

function resolve(options: LinearClassifierOptions, n: number): LinearClassifierSettings {
  const fn = 'trainLinearClassifier';
  const s = {
    epochs: options.epochs ?? 90,
    batchSize: Math.min(options.batchSize ?? 256, n),
    optimizer: options.optimizer ?? 'sgd',
    baseLearningRate: options.learningRate ?? 0.1,
    learningRate: 0,
    momentum: options.momentum ?? 0.9,
    nesterov: options.nesterov ?? true,
    weightDecay: options.weightDecay ?? 0,
    warmupEpochs: options.warmupEpochs ?? 0,
    standardize: options.standardize ?? true,
    seed: options.seed ?? 0,
  };
  const checks: Array<[string, unknown, boolean]> = [
    ['epochs', s.epochs, Number.isInteger(s.epochs) && s.epochs >= 1],
    ['batchSize', options.batchSize, Number.isInteger(s.batchSize) && s.batchSize >= 1],
    ['optimizer', s.optimizer, s.optimizer === 'sgd' || s.optimizer === 'lars'],
    ['learningRate', s.baseLearningRate, s.baseLearningRate > 0],
    ['weightDecay', s.weightDecay, s.weightDecay >= 0],
    ['warmupEpochs', s.warmupEpochs, s.warmupEpochs >= 0 && s.warmupEpochs <= s.epochs],
  ];
  for (const [name, value, ok] of checks) {
    if (!ok) throw new ConfigError({ fn, problem: `${name} is invalid`, got: value });
  }
  const scale = options.scaleLearningRate ?? true;
  s.learningRate = scale ? (s.baseLearningRate * s.batchSize) / 256 : s.baseLearningRate;
  return s;
}

/** Per-feature mean and inverse standard deviation of `x` (0 for constant features). */
function standardization(x: tf.Tensor2D): { mean: Float32Array; invStd: Float32Array } {
  const { mean, variance } = tf.tidy(() => tf.moments(x, 0));
  const m = mean.dataSync() as Float32Array;
  const v = variance.dataSync();
  tf.dispose([mean, variance]);
  const invStd = Float32Array.from(v, (value) => (value > 1e-12 ? 1 / Math.sqrt(value) : 0));
  return { mean: Float32Array.from(m), invStd };
}

/**
 * Trains `logits = x·W + b` with softmax cross-entropy: W ~ N(0, 0.01), b = 0 (DINO, MoCo v3),
 * mini-batches reshuffled every epoch, SGD (Nesterov) or LARS, linear warm-up then cosine decay
 * to 0 per step.
 *
 * @param features `[N, d]`, not disposed.
 * @param labels N class ids.
 * @returns The head (new tensors owned by the caller; standardisation folded in), the
 *   per-epoch history and the resolved settings.
 * @throws {ShapeError} when features and labels disagree. {ConfigError} for invalid options.
 * @throws {AbortError} when `signal` fires.
 * @example
 * ```ts
 * const { head } = await trainLinearClassifier(features, labels, 17, { epochs: 100 });
 * const logits = linearLogits(head, testFeatures);
 * ```
 */
export async function trainLinearClassifier(
  features: tf.Tensor2D,
  labels: Int32Array,
  numClasses: number,
  options: LinearClassifierOptions = {},
): Promise<{ head: LinearHead; history: EpochRecord[]; settings: LinearClassifierSettings }> {
  const fn = 'trainLinearClassifier';
  const [n, d] = features.shape;
  if (labels.length !== n) {
    throw new ShapeError({
      fn,
      problem: 'one label per feature row is needed',
      expected: n,
      got: labels.length,
    });
  }
  const s = resolve(options, n);
  const rng = createRng(s.seed);
  const { mean, invStd } = s.standardize
    ? standardization(features)
    : { mean: new Float32Array(d), invStd: new Float32Array(d).fill(1) };
  const x = tf.tidy(() =>
    tf.mul(tf.sub(features, tf.tensor1d(mean)), tf.tensor1d(invStd)),
  ) as tf.Tensor2D;
  const y = tf.tensor1d(labels, 'int32');
  const weight = tf.variable(
    tf.randomNormal([d, numClasses], 0, 0.01, 'float32', rng.fork('init').seed()),
  );
  const bias = tf.variable(tf.zeros([numClasses]));
  const optimizer: Optimizer =
    s.optimizer === 'lars'
      ? new LARS({ momentum: s.momentum, weightDecay: s.weightDecay })
      : new SGD({ momentum: s.momentum, nesterov: s.nesterov, weightDecay: s.weightDecay });
  const stepsPerEpoch = Math.ceil(n / s.batchSize);
  const totalSteps = s.epochs * stepsPerEpoch;
  const lrAt = warmupCosineLr({
    baseLr: s.learningRate,
    warmupSteps: s.warmupEpochs * stepsPerEpoch,
    totalSteps,
  });
  const meter = new ProgressMeter('train', totalSteps, options.onProgress);
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      const order = rng.fork(`epoch-${epoch}`).permutation(n);
      let lossSum = 0;
      let correct = 0;
      let lr = 0;
      for (let i = 0; i < stepsPerEpoch; i++) {
        const step = epoch * stepsPerEpoch + i;
        throwIfAborted(fn, options.signal, `at step ${step} of ${totalSteps}`);
        const ids = order.subarray(i * s.batchSize, Math.min(n, (i + 1) * s.batchSize));
        lr = lrAt(step);
        let hits: tf.Tensor | null = null;
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(ids, 'int32');
          const xb = tf.gather(x, idx);
          const yb = tf.gather(y, idx) as tf.Tensor1D;
          return minimize(
            optimizer,
            [weight, bias],
            () => {
              const logits = tf.add(tf.matMul(xb, weight), bias) as tf.Tensor2D;
              hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'int32')));
              return crossEntropy(logits, yb, numClasses);
            },
            { learningRate: lr },
          );
        });
        lossSum += loss.dataSync()[0]! * ids.length;
        correct += (hits as tf.Tensor | null)?.dataSync()[0] ?? 0;
        tf.dispose([loss, hits as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null));
        meter.tick(step + 1, ids.length, {
          epoch,
          epochs: s.epochs,
          loss: lossSum / n,
          learningRate: lr,
        });
        if (i === stepsPerEpoch - 1 || i % 8 === 7) await nextTick();
      }
      history.push({ epoch, loss: lossSum / n, accuracy: correct / n, learningRate: lr });
    }
    // Fold the standardisation in: (x − μ)·s·W + b = x·(s∘W) + (b − (μ∘s)·W).
    const head = tf.tidy(() => {
      const scaled = tf.mul(weight, tf.reshape(tf.tensor1d(invStd), [d, 1])) as tf.Tensor2D;
      const shift = tf.matMul(tf.reshape(tf.tensor1d(mean), [1, d]), scaled);
      return { weight: scaled, bias: tf.sub(bias, tf.reshape(shift, [numClasses])) as tf.Tensor1D };
    });
    return { head, history, settings: s };
  } finally {
    tf.dispose([x, y, weight, bias]);
    optimizer.dispose();
  }
}

/** `x·W + b` for features `[N, d]`; a new tensor owned by the caller. */
export function linearLogits(head: LinearHead, features: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(features, head.weight), head.bias));
}
