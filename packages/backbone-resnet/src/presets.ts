/**
 * `resnet18` … `resnet152`: {@link createResNet} with the depth filled in, like torchvision's
 * `torchvision.models.resnet50()`.
 *
 * [0] He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 *     https://arxiv.org/abs/1512.03385
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { createResNet } from './create-resnet.js';
import type { ResNetPresetOptions } from './options.js';

/**
 * ResNet-18 (BasicBlock, [2, 2, 2, 2]); 512-d pooled features, 11,689,512 parameters with the
 * 1000-class `fc`. See {@link createResNet} for options, shapes and errors.
 *
 * @example
 * ```ts
 * const model = resnet18({ inputShape: [64, 64, 1], widthMultiplier: 1 / 8, seed: 0 });
 * ```
 */
export function resnet18(options: ResNetPresetOptions = {}): tfl.LayersModel {
  return createResNet({ ...options, depth: 18 });
}

/**
 * ResNet-34 (BasicBlock, [3, 4, 6, 3]); 512-d features, 21,797,672 parameters with `fc`.
 * See {@link createResNet}.
 *
 * @example
 * ```ts
 * const model = resnet34({ includeTop: true, numClasses: 17 });
 * ```
 */
export function resnet34(options: ResNetPresetOptions = {}): tfl.LayersModel {
  return createResNet({ ...options, depth: 34 });
}

/**
 * ResNet-50 (Bottleneck v1.5, [3, 4, 6, 3]); 2048-d features, 25,557,032 parameters with `fc`.
 * The TumorXAI paper's backbone; its CAM layer is `layer4.2`. See {@link createResNet}.
 *
 * @example
 * ```ts
 * const backbone = resnet50({ inputShape: [224, 224, 1], seed: 42 });
 * ```
 */
export function resnet50(options: ResNetPresetOptions = {}): tfl.LayersModel {
  return createResNet({ ...options, depth: 50 });
}

/**
 * ResNet-101 (Bottleneck v1.5, [3, 4, 23, 3]); 2048-d features, 44,549,160 parameters with
 * `fc`. See {@link createResNet}.
 *
 * @example
 * ```ts
 * const model = resnet101({ inputShape: [224, 224, 3] });
 * ```
 */
export function resnet101(options: ResNetPresetOptions = {}): tfl.LayersModel {
  return createResNet({ ...options, depth: 101 });
}

/**
 * ResNet-152 (Bottleneck v1.5, [3, 8, 36, 3]); 2048-d features, 60,192,808 parameters with
 * `fc`. See {@link createResNet}.
 *
 * @example
 * ```ts
 * const model = resnet152({ inputShape: [224, 224, 3] });
 * ```
 */
export function resnet152(options: ResNetPresetOptions = {}): tfl.LayersModel {
  return createResNet({ ...options, depth: 152 });
}
