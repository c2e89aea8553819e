/**
 * Training on tfjs's `wasm` backend: the kernels it lacks or runs slowly.
 */

export { type LeanGrads, leanVariableGrads } from './lean-variable-grads.js';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  type WasmTrainingKernel,
} from './register.js';
export { useWasmThreads, type WasmThreadsOptions } from './threads.js';
