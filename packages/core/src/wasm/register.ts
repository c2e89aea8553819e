/**
 * Registration of the wasm training kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulWasm } from './batch-mat-mul.js';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input.js';
import { conv2dWasm, fusedConv2dWasm } from './conv2d-forward.js';
import {
  BATCH_NORM_GRAD,
  batchNormGradWasm,
  fusedBatchNormWasm,
  RELU_GRAD,
  reluGradWasm,
} from './fused-grad-kernels.js';
import { maxPoolGradWasm } from './max-pool-grad.js';
import { meanWasm, sumWasm } from './reduce.js';
import { castWasm, identityWasm } from './share.js';
import { tileWasm } from './tile.js';
import {
  hasCapturedStockKernel,
  type KernelArgs,
  stockWasmKernel,
  type WasmKernelFunc,
} from './wasm-scratch.js';

/** A kernel TumorXAI registers for the `wasm` backend, and why. */
export interface WasmTrainingKernel {
  /** The tfjs kernel name, e.g. `'Conv2DBackpropFilter'`. */
  name: string;
  /** `'added'` (the wasm backend has none) or `'replaced'` (the stock one is slow). */
  kind: 'added' | 'replaced';
  /** One line: why it is there. */
  reason: string;
  func: WasmKernelFunc | ((args: KernelArgs) => tf.TensorInfo[]);
}

/** Every kernel {@link registerWasmTrainingKernels} registers. */
export const WASM_TRAINING_KERNELS: readonly WasmTrainingKernel[] = [
  {
    name: 'Conv2DBackpropFilter',
    kind: 'added',
    reason: 'missing on wasm: without it no convolution can be trained',
    func: conv2dBackpropFilterWasm,
  },
  {
    name: 'Conv2DBackpropInput',
    kind: 'replaced',
    reason: 'the stock kernel is a scalar loop (~3 GFLOP/s); XNNPACK GEMM/convolution instead',
    func: conv2dBackpropInputWasm,
  },
  {
    name: 'Tile',
    kind: 'replaced',
    reason: "tfjs-core's BatchNorm gradient tiles [1,1,1,C]; block copies instead of per-element",
    func: tileWasm,
  },
  {
    name: 'MaxPoolGrad',
    kind: 'replaced',
    reason: 'the stock kernel misroutes the gradient of windows whose values are all ≤ 0',
    func: maxPoolGradWasm,
  },
  {
    name: 'Identity',
    kind: 'replaced',
    reason: 'the engine clones every tensor it saves for backward with it; share, do not copy',
    func: identityWasm,
  },
  {
    name: 'Cast',
    kind: 'replaced',
    reason: 'same-dtype casts (tf.moments casts float32 to float32) share; casts to bool give 0/1',
    func: castWasm,
  },
  {
    name: 'Sum',
    kind: 'replaced',
    reason: 'sums over leading axes (BatchNorm statistics and gradients) without a transpose',
    func: sumWasm,
  },
  {
    name: 'Mean',
    kind: 'replaced',
    reason: 'means over leading axes without a transpose; records its axes for the BN rule',
    func: meanWasm,
  },
  {
    name: 'FusedBatchNorm',
    kind: 'replaced',
    reason: 'the stock kernel is a scalar loop (~11 ns/element): three SIMD passes; records ε',
    func: fusedBatchNormWasm,
  },
  {
    name: 'Conv2D',
    kind: 'replaced',
    reason: 'on small maps a transposed GEMM instead of re-packing the whole filter every step',
    func: conv2dWasm,
  },
  {
    name: 'FusedConv2D',
    kind: 'replaced',
    reason: 'as Conv2D (tfjs-layers uses this one); records strides/padding for the conv rule',
    func: fusedConv2dWasm,
  },
  {
    name: 'BatchMatMul',
    kind: 'replaced',
    reason: 'transposed operands (every dense gradient) ran a scalar loop; transpose, then XNNPACK',
    func: batchMatMulWasm,
  },
  {
    name: BATCH_NORM_GRAD,
    kind: 'added',
    reason: 'training BatchNorm gradient in 6 SIMD passes (leanVariableGrads)',
    func: batchNormGradWasm,
  },
  {
    name: RELU_GRAD,
    kind: 'added',
    reason: 'ReLU gradient as step × dy without cast or engine ops (leanVariableGrads)',
    func: reluGradWasm,
  },
];

function isOurs(name: string, func: WasmTrainingKernel['func']): boolean {
  const current = tf.getKernel(name, 'wasm');
  return current != null && (current.kernelFunc as unknown) === func;
}

/**
 * Registers TumorXAI's training kernels for tfjs's `wasm` backend: the missing
 * `Conv2DBackpropFilter`, and faster `Conv2DBackpropInput` and `Tile` (see
 * {@link WASM_TRAINING_KERNELS} and the "Backends" section of the README for what each does and
 * its measured effect). They are composed from the backend's own XNNPACK kernels; stock kernels
 * that are replaced stay reachable, and are still used for the shapes where they are faster.
 *
 * Idempotent; {@link initBackend} calls it whenever it selects `wasm`. Call it yourself only if
 * you activate the wasm backend without `initBackend` (then after importing
 * `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend('wasm')`).
 *
 * @returns The names of the kernels now registered.
 * @throws {BackendError} when `@tensorflow/tfjs-backend-wasm` has not been imported (its kernels
 *   are missing).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerWasmTrainingKernels } from '@tumorxai/core';
 *
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * // tf.train.sgd(0.1).minimize(...) now works for CNNs on wasm
 * ```
 */
export function registerWasmTrainingKernels(): string[] {
  // Capture every stock kernel first so that a failure registers nothing.
  stockWasmKernel('Conv2D');
  for (const k of WASM_TRAINING_KERNELS) {
    if (k.kind === 'replaced') stockWasmKernel(k.name);
  }
  for (const k of WASM_TRAINING_KERNELS) {
    if (isOurs(k.name, k.func)) continue;
    const previous = tf.getKernel(k.name, 'wasm');
    if (previous != null) tf.unregisterKernel(k.name, 'wasm');
    tf.registerKernel({
      kernelName: k.name,
      backendName: 'wasm',
      kernelFunc: k.func as unknown as tf.KernelFunc,
      // Keep the stock setup (it binds the C++ entry point the fallback path calls).
      setupFunc: k.kind === 'replaced' ? stockWasmKernel(k.name).setupFunc : undefined,
    });
  }
  return WASM_TRAINING_KERNELS.map((k) => k.name);
}

/**
 * Restores the stock wasm kernels (and removes the added ones): for comparisons and tests.
 * Idempotent.
 *
 * @example
 * ```ts
 * unregisterWasmTrainingKernels(); // stock tfjs-backend-wasm again
 * ```
 */
export function unregisterWasmTrainingKernels(): void {
  for (const k of WASM_TRAINING_KERNELS) {
    if (!isOurs(k.name, k.func)) continue;
    tf.unregisterKernel(k.name, 'wasm');
    if (k.kind === 'replaced' && hasCapturedStockKernel(k.name)) {
      tf.registerKernel(stockWasmKernel(k.name));
    }
  }
}
