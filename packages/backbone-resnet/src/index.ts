/**
 * `@tumorxai/backbone-resnet`: a torchvision-exact ResNet-18/34/50/101/152 for TensorFlow.js
 * (NHWC), with torchvision `state_dict` import/export and named block outputs for CAMs.
 *
 * [0] He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 *     https://arxiv.org/abs/1512.03385
 */

export {
  ARCHITECTURES,
  type BlockType,
  type ResNetArchitecture,
  type ResNetDepth,
} from './architecture.js';
export { assertResNetInput } from './assert-input.js';
export {
  createFeatureExtractor,
  defaultCamLayer,
  type FeatureExtractorOptions,
  listBlockOutputs,
  listStageOutputs,
} from './block-outputs.js';
export { createResNet } from './create-resnet.js';
export {
  type ExportTorchvisionWeightsOptions,
  exportTorchvisionWeights,
} from './export-torchvision-weights.js';
export { BN_EPSILON, BN_MOMENTUM } from './layers.js';
export {
  type LoadTorchvisionWeightsOptions,
  type LoadTorchvisionWeightsReport,
  loadTorchvisionWeights,
} from './load-torchvision-weights.js';
export type { ResNetOptions, ResNetPresetOptions } from './options.js';
export { resnet18, resnet34, resnet50, resnet101, resnet152 } from './presets.js';
export {
  type MismatchedKey,
  type StateDictDiff,
  StateDictMismatchError,
} from './state-dict-mismatch-error.js';
