/**
 * SimCLR's projection head g(·).
 *
 * Reference: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709 (§2.1, §4.2);
 * lightly `SimCLRProjectionHead`. Spec §1b.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, createMlpHead, type LastBatchNorm } from '@tumorxai/core';

/** Options of {@link createSimCLRProjectionHead}. */
export interface SimCLRProjectionHeadOptions {
  /** Backbone features (default 2048, ResNet-50). */
  inputDim?: number;
  /** Hidden width (default 2048). */
  hiddenDim?: number;
  /** Projection size (default 128). */
  outputDim?: number;
  /** Linear layers (default 2 = SimCLR v1; the official v2 code uses 3). */
  layers?: number;
  /**
   * BN after the last Linear (default `'affine'`, lightly's; the official TF code uses `'scale'`,
   * γ only). `'none'` gives the paper's v1 form z = W₂ReLU(W₁h) with BN on the hidden layer only.
   */
  lastBatchNorm?: LastBatchNorm;
  /** Seed of the initialisation (default: unseeded). */
  seed?: number;
  /** Model and layer-name prefix (default `'projection_head'`). */
  name?: string;
}

/**
 * The SimCLR projection head, lightly's default: `layers − 1` blocks of Linear (no bias) → BN →
 * ReLU, then Linear (no bias) → BN(affine). BN epsilon 1e-5, momentum 0.1 (PyTorch).
 *
 * Shapes: `[N, inputDim]` → `[N, outputDim]`. Linear evaluation uses the backbone features h,
 * not this head's output (spec §1b).
 *
 * @returns A new `tf.LayersModel` owned by the caller.
 * @throws {ConfigError} for `layers < 1` or non-positive dimensions.
 * @example
 * ```ts
 * const head = createSimCLRProjectionHead({ inputDim: 512, hiddenDim: 512, outputDim: 128 });
 * ```
 */
export function createSimCLRProjectionHead(
  options: SimCLRProjectionHeadOptions = {},
): tfl.LayersModel {
  const layers = options.layers ?? 2;
  if (!Number.isInteger(layers) || layers < 1) {
    throw new ConfigError({
      fn: 'createSimCLRProjectionHead',
      problem: 'layers must be a positive integer',
      got: layers,
    });
  }
  const hiddenDim = options.hiddenDim ?? 2048;
  return createMlpHead({
    inputDim: options.inputDim ?? 2048,
    hiddenDims: new Array<number>(layers - 1).fill(hiddenDim),
    outputDim: options.outputDim ?? 128,
    batchNorm: true,
    lastBatchNorm: options.lastBatchNorm ?? 'affine',
    bias: 'auto',
    activation: 'relu',
    seed: options.seed,
    name: options.name ?? 'projection_head',
  });
}
