/**
 * Training on tfjs's `wasm` backend: the kernels it lacks or runs slowly.
 */
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  type WasmTrainingKernel,
} from './register.js';
