/**
 * `@tumorxai/eval/testing`: helpers for tests and experiments that check whether pretraining
 * helps — synthetic phantoms split per class, with k-NN on the split.
 */

export { loadPhantomSplit, type PhantomSplit, type PhantomSplitOptions } from './phantom-split.js';
