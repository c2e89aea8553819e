/**
 * `@tumorxai/eval`: evaluation of self-supervised backbones — metrics today; linear probe,
 * fine-tuning, k-NN and reports arrive with issue #9.
 */
export * from './metrics/index.js';
