/**
 * `@tumorxai/ssl-byol`: BYOL self-supervised pretraining for TensorFlow.js — loss, asymmetric
 * views, projector / predictor and the `BYOL` method with its target network.
 *
 * Reference: [0] BYOL, Grill et al. 2020, https://arxiv.org/abs/2006.07733.
 */
export { BYOL } from './byol.js';
export { byolLoss, byolRegressionLoss } from './byol-loss.js';
export type { BYOLBatch, BYOLLearningRate, BYOLOptions } from './byol-options.js';
export {
  type BYOLHeadOptions,
  createBYOLPredictionHead,
  createBYOLProjectionHead,
} from './heads.js';
export { type BYOLViewsOptions, byolViews, type ViewPair } from './views.js';
