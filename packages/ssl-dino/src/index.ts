/**
 * `@tumorxai/ssl-dino`: DINO self-distillation with multi-crop for TensorFlow.js — loss,
 * centering, teacher-temperature schedule, DINO head, multi-crop views and the `DINO` method.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294.
 */
export { DINO } from './dino.js';
export { DinoCenter, type DinoCenterOptions, updateDinoCenter } from './dino-center.js';
export {
  type CancelLastLayerOptions,
  cancelLastLayerGradients,
  createDINOHead,
  type DINOHeadOptions,
} from './dino-head.js';
export {
  type DinoLossOptions,
  dinoLoss,
  dinoLossTerms,
  dinoTeacherEntropy,
} from './dino-loss.js';
export type { DINOBatch, DINOLearningRate, DINOLossFn, DINOOptions } from './dino-options.js';
export { L2Normalize } from './l2-normalize-layer.js';
export { forwardByResolution } from './multi-resolution.js';
export {
  type TeacherTemperatureScheduleOptions,
  teacherTemperatureSchedule,
} from './teacher-temperature.js';
export { type DINOViewsOptions, dinoViews } from './views.js';
export { WeightNormDense, type WeightNormDenseArgs } from './weight-norm-dense.js';
