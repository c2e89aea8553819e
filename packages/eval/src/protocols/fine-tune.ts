/**
 * Fine-tuning: the whole pretrained network and a new linear classifier, trained end to end on
 * the labelled images (SimCLR App. B.5, spec §6).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel } from './classifier-model.js';
import {
  type ClassifierTrainingOptions,
  type ClassifierTrainingResult,
  trainImageClassifier,
} from './train-classifier.js';

/** Options of {@link fineTune}. */
export interface FineTuneOptions extends ClassifierTrainingOptions {
  /** The pretrained backbone (e.g. `method.exportBackbone()`); copied, never modified. */
  backbone: tfl.LayersModel;
}

/**
 * Fine-tunes a **copy** of a pretrained backbone with a new linear classifier `fc`
 * (W ~ N(0, 0.01), b = 0): every weight is trained, BatchNorm in training mode, with random
 * crop + flip ({@link cropFlipAugmentation}) and SGD Nesterov (momentum 0.9), lr 0.05·B/256, no
 * weight decay, cosine decay to 0, 30 epochs by default — SimCLR's fine-tuning protocol
 * (Chen et al. 2020, App. B.5, https://arxiv.org/abs/2002.05709; SimCLR uses 60 epochs for 1 %
 * of the labels and 30 for 10 %). Test predictions use BatchNorm in inference mode.
 *
 * Decision: the default batch is 64 (SimCLR: 4096), capped at the training-set size; the rate
 * follows the linear scaling rule.
 *
 * @returns An {@link EvaluationResult} and the fine-tuned `model` (backbone copy + `fc`, owned
 *   by the caller: dispose it).
 * @throws {ShapeError} for inconsistent data. {ConfigError} for invalid options.
 * @throws {AbortError} when `signal` fires (the copy is freed).
 * @example
 * ```ts
 * const result = await fineTune({
 *   backbone: byol.exportBackbone(), numClasses: 17, classNames,
 *   train: { images, labels, indices: labelFraction(split.train, 0.1, 0).indices },
 *   test: { images, labels, indices: split.test.indices },
 * });
 * result.model.dispose();
 * ```
 */
export function fineTune(options: FineTuneOptions): Promise<ClassifierTrainingResult> {
  return trainImageClassifier('fineTune', 'fine-tune', options, {
    epochs: 30,
    batchSize: 64,
    learningRate: 0.05,
    weightDecay: 0,
    backbone: () => cloneModel(options.backbone),
  });
}
