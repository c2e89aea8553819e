/**
 * MoCo v3's projector and predictor: bias-free MLPs with BatchNorm (ResNet setting).
 *
 * Reference: [0] MoCo v3, Chen, Xie, He 2021, https://arxiv.org/abs/2104.02057 (§4); official
 * `moco/builder.py` `_build_mlp`, `MoCo_ResNet._build_projector_and_predictor_mlps`.
 * Spec `ssl.md` §4b, deviations §10.5.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, createMlpHead } from '@tumorxai/core';

/** Options of {@link createMoCoV3ProjectionHead}. */
export interface MoCoV3ProjectionHeadOptions {
  /** Input features (default 2048, ResNet-50). */
  inputDim?: number;
  /** Hidden width (default 4096). */
  hiddenDim?: number;
  /** Output features (default 256). */
  outputDim?: number;
  /** Linear layers (default 2, the ResNet setting; the official ViT projector has 3). */
  layers?: number;
  /** Seed of the initialisation (default: unseeded). */
  seed?: number;
  /** Model and layer-name prefix (default `'projection_head'`). */
  name?: string;
}

/** Options of {@link createMoCoV3PredictionHead}. */
export interface MoCoV3PredictionHeadOptions {
  /** Input features (default 256). */
  inputDim?: number;
  /** Hidden width (default 4096). */
  hiddenDim?: number;
  /** Output features (default 256). */
  outputDim?: number;
  /** Seed of the initialisation (default: unseeded). */
  seed?: number;
  /** Model and layer-name prefix (default `'prediction_head'`). */
  name?: string;
}

/**
 * MoCo v3's projector: `layers − 1` blocks of Linear (no bias) → BN(γ, β) → ReLU, then
 * Linear (no bias) → **BN without γ and β** (`affine=False`). 2048 → 4096 → 256 by default.
 * The momentum encoder is the backbone plus a momentum copy of this head.
 *
 * Shapes: `[N, inputDim]` → `[N, outputDim]`. BN epsilon 1e-5, momentum 0.1 (PyTorch).
 *
 * Porting note: lightly's `MoCoProjectionHead(batch_norm=True)` keeps γ and β in the last BN;
 * that gives the same output at initialisation but other parameters (spec §10.5). We follow the
 * official code.
 *
 * @returns A new `tf.LayersModel` owned by the caller.
 * @throws {ConfigError} for `layers < 1` or non-positive dimensions.
 * @example
 * ```ts
 * const projector = createMoCoV3ProjectionHead({ inputDim: 512, hiddenDim: 1024, outputDim: 128 });
 * ```
 */
export function createMoCoV3ProjectionHead(
  options: MoCoV3ProjectionHeadOptions = {},
): tfl.LayersModel {
  const layers = options.layers ?? 2;
  if (!Number.isInteger(layers) || layers < 1) {
    throw new ConfigError({
      fn: 'createMoCoV3ProjectionHead',
      problem: 'layers must be a positive integer',
      got: layers,
      fix: 'Use 2 (ResNet) or 3 (ViT)',
    });
  }
  const hiddenDim = options.hiddenDim ?? 4096;
  return createMlpHead({
    inputDim: options.inputDim ?? 2048,
    hiddenDims: new Array<number>(layers - 1).fill(hiddenDim),
    outputDim: options.outputDim ?? 256,
    batchNorm: true,
    lastBatchNorm: 'no-affine',
    bias: false,
    activation: 'relu',
    seed: options.seed,
    name: options.name ?? 'projection_head',
  });
}

/**
 * MoCo v3's predictor (ResNet setting): Linear (no bias) → BN(γ, β) → ReLU → Linear (no bias),
 * with **no BN on the last layer**. 256 → 4096 → 256 by default. Only the online network has it.
 *
 * Shapes: `[N, inputDim]` → `[N, outputDim]`.
 *
 * @returns A new `tf.LayersModel` owned by the caller.
 * @throws {ConfigError} for non-positive dimensions.
 * @example
 * ```ts
 * const predictor = createMoCoV3PredictionHead({ inputDim: 128, hiddenDim: 1024, outputDim: 128 });
 * ```
 */
export function createMoCoV3PredictionHead(
  options: MoCoV3PredictionHeadOptions = {},
): tfl.LayersModel {
  return createMlpHead({
    inputDim: options.inputDim ?? 256,
    hiddenDims: [options.hiddenDim ?? 4096],
    outputDim: options.outputDim ?? 256,
    batchNorm: true,
    lastBatchNorm: 'none',
    bias: false,
    activation: 'relu',
    seed: options.seed,
    name: options.name ?? 'prediction_head',
  });
}
