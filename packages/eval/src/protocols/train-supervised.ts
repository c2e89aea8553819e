/**
 * The supervised baseline: the same network trained from scratch (or from torchvision weights)
 * on the labelled images only.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTorchvisionWeights } from '@tumorxai/backbone-resnet';
import { ConfigError } from '@tumorxai/core';
import { cloneModel } from './classifier-model.js';
import {
  type ClassifierTrainingOptions,
  type ClassifierTrainingResult,
  trainImageClassifier,
} from './train-classifier.js';

/** Options of {@link trainSupervised}. */
export interface TrainSupervisedOptions extends ClassifierTrainingOptions {
  /**
   * The network to train, e.g. `createResNet({ depth: 50, inputShape: [224, 224, 1] })` — the
   * same architecture as the pretrained one, randomly initialised. Copied, never modified.
   */
  backbone: tfl.LayersModel;
  /**
   * A torchvision ResNet `state_dict` as safetensors bytes (e.g. ImageNet weights): loaded into
   * the copy first (`fc` ignored; an RGB stem is summed over its channels for grey input), for
   * the "ImageNet-supervised" baseline.
   */
  torchvisionWeights?: Uint8Array;
}

/**
 * The supervised baseline: trains a **copy** of `backbone` (random init, or torchvision weights
 * when given) with a new linear classifier `fc` on the labelled images — the same loop as
 * {@link fineTune}, with the usual from-scratch ResNet recipe as defaults: SGD Nesterov
 * (momentum 0.9), lr 0.1·B/256, weight decay 1e-4, cosine decay, 90 epochs, random crop + flip
 * (He et al. 2016, https://arxiv.org/abs/1512.03385; torchvision's reference recipe).
 *
 * @returns An {@link EvaluationResult} and the trained `model` (owned by the caller).
 * @throws {ConfigError} for invalid options. {StateDictMismatchError} for weights that do not fit.
 * @throws {AbortError} when `signal` fires.
 * @example
 * ```ts
 * const baseline = await trainSupervised({
 *   backbone: createResNet({ depth: 50, inputShape: [224, 224, 1], seed: 1 }), numClasses: 17,
 *   train: { images, labels, indices: split.train.indices }, test: { images, labels, indices: split.test.indices },
 * });
 * ```
 */
export function trainSupervised(
  options: TrainSupervisedOptions,
): Promise<ClassifierTrainingResult> {
  return trainImageClassifier('trainSupervised', 'supervised', options, {
    epochs: 90,
    batchSize: 64,
    learningRate: 0.1,
    weightDecay: 1e-4,
    backbone: async () => {
      if (!options.backbone) {
        throw new ConfigError({
          fn: 'trainSupervised',
          problem: 'backbone is required',
          fix: 'Pass a freshly created network, e.g. createResNet(...)',
        });
      }
      const copy = await cloneModel(options.backbone);
      if (options.torchvisionWeights) {
        try {
          loadTorchvisionWeights(copy, options.torchvisionWeights);
        } catch (error) {
          copy.dispose();
          throw error;
        }
      }
      return copy;
    },
  });
}
