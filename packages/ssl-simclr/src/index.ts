/**
 * `@tumorxai/ssl-simclr`: SimCLR self-supervised pretraining for TensorFlow.js — NT-Xent loss,
 * projection head, views and the `SimCLR` method.
 *
 * Reference: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709.
 */
export { type NtXentLossOptions, ntXentLoss } from './nt-xent-loss.js';
