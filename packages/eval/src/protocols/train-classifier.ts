/**
 * The end-to-end training loop shared by {@link fineTune} and {@link trainSupervised}: a
 * backbone with a linear classifier, every weight trained, augmented mini-batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, createRng, minimize, SGD, warmupCosineLr } from '@tumorxai/core';
import type { AugmentationOp } from '@tumorxai/mri-preprocess';
import type { LabeledImages } from '../data/inputs.js';
import { resolveSelection } from '../data/inputs.js';
import type { BootstrapOptions } from '../metrics/bootstrap.js';
import { attachClassifier } from './classifier-model.js';
import { cropFlipAugmentation } from './crop-flip.js';
import { predictProbabilities } from './predict.js';
import {
  type EvalProtocol,
  type LongRunningOptions,
  nextTick,
  ProgressMeter,
  throwIfAborted,
} from './progress.js';
import {
  crossEntropy,
  type EpochRecord,
  type EvaluationResult,
  rowsOf,
  summarizePredictions,
} from './result.js';

/** Options shared by {@link fineTune} and {@link trainSupervised}. */
export interface ClassifierTrainingOptions extends LongRunningOptions {
  train: LabeledImages;
  test: LabeledImages;
  numClasses: number;
  classNames?: readonly string[];
  /** Epochs. */
  epochs?: number;
  /** Images per step (capped at the training-set size). */
  batchSize?: number;
  /** Base learning rate for 256 images per step; scaled by B/256. */
  learningRate?: number;
  /** Scale the rate by B/256 (default true). */
  scaleLearningRate?: boolean;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  /** Nesterov momentum (default true). */
  nesterov?: boolean;
  weightDecay?: number;
  /** Linear warm-up epochs before the cosine decay (default 0). */
  warmupEpochs?: number;
  /**
   * Training augmentation, e.g. `compose([randomResizedCrop({ size, scale: [0.2, 1] }),
   * horizontalFlip()])` from `@tumorxai/mri-preprocess`; `null` for none. It must keep the
   * image size.
   */
  augment?: AugmentationOp | null;
  /** Images per test forward pass (default 64). */
  evalBatchSize?: number;
  /** Seed of the classifier initialisation, the shuffles and the augmentation (default 0). */
  seed?: number;
  bootstrap?: BootstrapOptions;
}

/** {@link EvaluationResult} plus the trained network. */
export interface ClassifierTrainingResult extends EvaluationResult {
  /** The trained backbone + `fc` classifier; owned by the caller (dispose it). */
  model: tfl.LayersModel;
}

/** Defaults of a protocol, and how it gets its network. */
export interface TrainingRecipe {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  /** The backbone to train, owned by the loop (a copy, or a fresh network). */
  backbone: () => Promise<tfl.LayersModel>;
}

/** Validates, gets the network from `recipe`, trains it with a new classifier, evaluates it. */
export async function trainImageClassifier(
  fn: string,
  protocol: EvalProtocol,
  options: ClassifierTrainingOptions,
  recipe: TrainingRecipe,
): Promise<ClassifierTrainingResult> {
  const defaults = recipe;
  const began = performance.now();
  const { numClasses } = options;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new ConfigError({ fn, problem: 'numClasses must be an integer >= 2', got: numClasses });
  }
  const train = resolveSelection(fn, 'train', options.train, numClasses);
  const test = resolveSelection(fn, 'test', options.test, numClasses);
  const n = train.labels.length;
  const s = {
    epochs: options.epochs ?? defaults.epochs,
    batchSize: Math.min(options.batchSize ?? defaults.batchSize, n),
    baseLearningRate: options.learningRate ?? defaults.learningRate,
    learningRate: 0,
    momentum: options.momentum ?? 0.9,
    nesterov: options.nesterov ?? true,
    weightDecay: options.weightDecay ?? defaults.weightDecay,
    warmupEpochs: options.warmupEpochs ?? 0,
    seed: options.seed ?? 0,
    augment: options.augment !== null,
  };
  if (
    !Number.isInteger(s.epochs) ||
    s.epochs < 1 ||
    !Number.isInteger(s.batchSize) ||
    s.batchSize < 1
  ) {
    throw new ConfigError({
      fn,
      problem: 'epochs and batchSize must be positive integers',
      got: { epochs: s.epochs, batchSize: options.batchSize },
    });
  }
  if (
    !(s.baseLearningRate > 0) ||
    !(s.weightDecay >= 0) ||
    !(s.warmupEpochs >= 0 && s.warmupEpochs <= s.epochs)
  ) {
    throw new ConfigError({
      fn,
      problem: 'learningRate must be positive, weightDecay >= 0 and warmupEpochs <= epochs',
      got: {
        learningRate: s.baseLearningRate,
        weightDecay: s.weightDecay,
        warmupEpochs: s.warmupEpochs,
      },
    });
  }
  s.learningRate =
    (options.scaleLearningRate ?? true)
      ? (s.baseLearningRate * s.batchSize) / 256
      : s.baseLearningRate;
  const [, height, width] = options.train.images.shape;
  const augment =
    options.augment === undefined ? cropFlipAugmentation([height, width]) : options.augment;
  const rng = createRng(s.seed);
  const backbone = await recipe.backbone();
  let model: tfl.LayersModel;
  try {
    model = attachClassifier(backbone, numClasses, { seed: rng.fork('fc').seed() });
  } catch (error) {
    backbone.dispose();
    throw error;
  }
  const optimizer = new SGD({
    momentum: s.momentum,
    nesterov: s.nesterov,
    weightDecay: s.weightDecay,
  });
  try {
    const params = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const labels = tf.tensor1d(train.labels, 'int32');
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
        const epochRng = rng.fork(`epoch-${epoch}`);
        const order = epochRng.permutation(n);
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        let lr = 0;
        for (let i = 0; i < stepsPerEpoch; i++) {
          const step = epoch * stepsPerEpoch + i;
          throwIfAborted(fn, options.signal, `at step ${step} of ${totalSteps}`);
          const positions = order.subarray(i * s.batchSize, Math.min(n, (i + 1) * s.batchSize));
          const ids = Int32Array.from(positions, (p) => train.indices[p]!);
          const augRng = epochRng.fork(`step-${i}`);
          lr = lrAt(step);
          let hits: tf.Tensor | null = null;
          const loss = tf.tidy(() => {
            const raw = tf.gather(options.train.images, tf.tensor1d(ids, 'int32'));
            const x = augment ? augment(raw, augRng) : raw;
            const y = tf.gather(labels, tf.tensor1d(positions, 'int32'));
            return minimize(
              optimizer,
              params,
              () => {
                const logits = model.apply(x, { training: true }) as tf.Tensor2D;
                hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'int32')));
                return crossEntropy(logits, y, numClasses);
              },
              { learningRate: lr },
            );
          });
          lossSum += loss.dataSync()[0]! * ids.length;
          correct += (hits as tf.Tensor | null)?.dataSync()[0] ?? 0;
          seen += ids.length;
          tf.dispose([loss, hits as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null));
          meter.tick(step + 1, ids.length, {
            epoch,
            epochs: s.epochs,
            loss: lossSum / seen,
            learningRate: lr,
          });
          await nextTick();
        }
        history.push({ epoch, loss: lossSum / n, accuracy: correct / n, learningRate: lr });
      }
    } finally {
      labels.dispose();
    }
    const probabilities = await predictProbabilities(
      fn,
      model,
      options.test.images,
      test.indices,
      options,
    );
    return {
      protocol,
      numClasses,
      ...summarizePredictions(
        test.labels,
        rowsOf(probabilities, numClasses),
        numClasses,
        options.classNames,
        options.bootstrap,
      ),
      history,
      trainSize: n,
      seconds: (performance.now() - began) / 1000,
      settings: { ...s },
      model,
    };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
