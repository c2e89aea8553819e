/**
 * `@tumorxai/ssl-mocov3`: MoCo v3 self-supervised pretraining for TensorFlow.js — contrastive
 * loss, asymmetric views, projector / predictor and the `MoCoV3` method with its momentum encoder.
 *
 * Reference: [0] MoCo v3, Chen, Xie, He 2021, https://arxiv.org/abs/2104.02057.
 */
export {
  createMoCoV3PredictionHead,
  createMoCoV3ProjectionHead,
  type MoCoV3PredictionHeadOptions,
  type MoCoV3ProjectionHeadOptions,
} from './heads.js';
export { MoCoV3 } from './moco-v3.js';
export type { MoCoV3Batch, MoCoV3LearningRate, MoCoV3Options } from './moco-v3-options.js';
export { type MoCoV3LossOptions, mocoV3ContrastiveLoss, mocoV3Loss } from './mocov3-loss.js';
export { type MoCoV3ViewsOptions, mocoV3Views, type ViewPair } from './views.js';
