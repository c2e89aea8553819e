/**
 * BYOL's projector g and predictor q: the same MLP, Linear → BN → ReLU → Linear.
 *
 * Reference: [0] BYOL, Grill et al. 2020, https://arxiv.org/abs/2006.07733 (§3.3); official
 * `byol/utils/networks.py` `MLP`; lightly `BYOLProjectionHead` / `BYOLPredictionHead`.
 * Spec `ssl.md` §2b.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { createMlpHead } from '@tumorxai/core';

/** Options of {@link createBYOLProjectionHead} and {@link createBYOLPredictionHead}. */
export interface BYOLHeadOptions {
  /** Input features (projector default 2048 = ResNet-50; predictor default 256). */
  inputDim?: number;
  /** Hidden width (default 4096). */
  hiddenDim?: number;
  /** Output features (default 256). */
  outputDim?: number;
  /**
   * Linear biases (default true, the official code; lightly drops the bias of the Linear before
   * BN, which changes nothing under train-mode BN — spec §10.6).
   */
  bias?: boolean;
  /** Seed of the initialisation (default: unseeded). */
  seed?: number;
  /** Model and layer-name prefix (default `'projection_head'` / `'prediction_head'`). */
  name?: string;
}

function byolMlp(options: BYOLHeadOptions, inputDim: number, name: string): tfl.LayersModel {
  return createMlpHead({
    inputDim: options.inputDim ?? inputDim,
    hiddenDims: [options.hiddenDim ?? 4096],
    outputDim: options.outputDim ?? 256,
    batchNorm: true,
    lastBatchNorm: 'none',
    bias: options.bias ?? true,
    activation: 'relu',
    seed: options.seed,
    name: options.name ?? name,
  });
}

/**
 * BYOL's projector g: `Linear(4096) → BN → ReLU → Linear(256)`, 2048 → 4096 → 256 by default.
 * The target network is the backbone plus a momentum copy of this head.
 *
 * Shapes: `[N, inputDim]` → `[N, outputDim]`. BN epsilon 1e-5, momentum 0.1 (PyTorch).
 *
 * Porting note: the official (haiku) Linear layers start from a truncated normal with std
 * 1/√fan_in and zero biases; we use PyTorch's `nn.Linear` initialisation (lightly), which
 * `createMlpHead` defaults to.
 *
 * @returns A new `tf.LayersModel` owned by the caller.
 * @throws {ConfigError} for non-positive dimensions.
 * @example
 * ```ts
 * const projector = createBYOLProjectionHead({ inputDim: 512, hiddenDim: 1024, outputDim: 128 });
 * ```
 */
export function createBYOLProjectionHead(options: BYOLHeadOptions = {}): tfl.LayersModel {
  return byolMlp(options, 2048, 'projection_head');
}

/**
 * BYOL's predictor q: the same MLP as the projector, 256 → 4096 → 256 by default. Only the
 * online network has it; it is what breaks the symmetry that would otherwise let both networks
 * collapse to a constant.
 *
 * Shapes: `[N, inputDim]` → `[N, outputDim]`.
 *
 * @returns A new `tf.LayersModel` owned by the caller.
 * @throws {ConfigError} for non-positive dimensions.
 * @example
 * ```ts
 * const predictor = createBYOLPredictionHead({ inputDim: 128, hiddenDim: 1024, outputDim: 128 });
 * ```
 */
export function createBYOLPredictionHead(options: BYOLHeadOptions = {}): tfl.LayersModel {
  return byolMlp(options, 256, 'prediction_head');
}
