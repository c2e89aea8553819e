/**
 * `@tumorxai/ssl-simclr`: SimCLR self-supervised pretraining for TensorFlow.js — NT-Xent loss,
 * projection head, views and the `SimCLR` method.
 *
 * Reference: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709.
 */
export { type NtXentLossOptions, ntXentLoss } from './nt-xent-loss.js';
export {
  createSimCLRProjectionHead,
  type SimCLRProjectionHeadOptions,
} from './projection-head.js';
export { SimCLR } from './simclr.js';
export type { SimCLRBatch, SimCLRLearningRate, SimCLROptions } from './simclr-options.js';
export { type SimCLRViewsOptions, simclrViews } from './views.js';
