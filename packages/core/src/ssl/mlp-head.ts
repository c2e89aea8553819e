/**
 * `createMlpHead`: the projection / prediction MLPs of SimCLR, BYOL, MoCo v3 and the MLP part of
 * DINO's head, built from tfjs-layers so that they train, serialise and copy like any model.
 *
 * References: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709; BYOL, Grill et al.
 * 2020, https://arxiv.org/abs/2006.07733; MoCo v3, Chen et al. 2021,
 * https://arxiv.org/abs/2104.02057; DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294;
 * lightly `lightly/models/modules/heads.py`. Spec `ssl.md` §1b, §2b, §3b, §4b.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '../errors.js';
import { createRng } from '../rng.js';
import { BatchNorm1d } from './batch-norm-1d.js';

/** A tfjs-layers initializer (e.g. `tf.initializers.truncatedNormal({ stddev: 0.02 })`). */
export type HeadInitializer = ReturnType<typeof tfl.initializers.zeros>;

/** What the BN after the last Linear learns: γ and β, γ only, neither, or no BN at all. */
export type LastBatchNorm = 'none' | 'affine' | 'scale' | 'no-affine';

/** Options of {@link createMlpHead}. */
export interface MlpHeadOptions {
  /** Input features (e.g. 2048 for ResNet-50's pooled output). */
  inputDim: number;
  /** Widths of the hidden layers, each Linear → [BN] → activation (default `[]`). */
  hiddenDims?: number[];
  /** Output features. */
  outputDim: number;
  /** BN after every hidden Linear (default true). */
  batchNorm?: boolean;
  /**
   * BN after the last Linear (default `'none'`): `'affine'` (γ and β: lightly's SimCLR head),
   * `'scale'` (γ only: the official SimCLR code), `'no-affine'` (MoCo v3's projector).
   */
  lastBatchNorm?: LastBatchNorm;
  /**
   * Linear biases (default `'auto'`: no bias on a Linear followed by BN, as lightly and MoCo v3 —
   * a bias before train-mode BN is cancelled by the mean subtraction — and a bias otherwise).
   */
  bias?: boolean | 'auto';
  /** Hidden activation (default `'relu'`); `'gelu'` is the exact erf form DINO uses. */
  activation?: 'relu' | 'gelu';
  /** BN epsilon (default 1e-5, PyTorch's; Keras' 1e-3 would not match the references). */
  batchNormEpsilon?: number;
  /**
   * BN running-statistics momentum in the **PyTorch** convention (default 0.1), i.e.
   * `running ← (1−m)·running + m·batch`; converted to Keras' decay `1 − m`.
   */
  batchNormMomentum?: number;
  /**
   * Initialiser of the Linear kernels (default `'torch'`: PyTorch's `nn.Linear` default,
   * U(±1/√fan_in), i.e. Kaiming-uniform with a = √5) or any tfjs-layers initializer.
   */
  kernelInitializer?: 'torch' | HeadInitializer;
  /** Initialiser of the biases (default `'torch'`: U(±1/√fan_in)) or any initializer. */
  biasInitializer?: 'torch' | HeadInitializer;
  /** Seed of the initialisers (default: unseeded). Same seed → same initial weights. */
  seed?: number;
  /** Prefix of the layer names and the model name (default `'mlp_head'`). */
  name?: string;
}

function checkDim(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError({
      fn: 'createMlpHead',
      problem: `${name} must be a positive integer`,
      got: value,
    });
  }
}

/**
 * Builds an MLP head: for each hidden width `Linear → [BN] → activation`, then a last
 * `Linear → [BN as lastBatchNorm]`.
 *
 * | head | call |
 * |---|---|
 * | SimCLR (lightly) | `{ inputDim: 2048, hiddenDims: [2048], outputDim: 128, lastBatchNorm: 'affine' }` |
 * | SimCLR (official v2) | `{ …, hiddenDims: [2048, 2048], lastBatchNorm: 'scale' }` |
 * | BYOL projector | `{ inputDim: 2048, hiddenDims: [4096], outputDim: 256, bias: true }` |
 * | MoCo v3 projector | `{ inputDim: 2048, hiddenDims: [4096], outputDim: 256, lastBatchNorm: 'no-affine', bias: false }` |
 * | DINO MLP | `{ inputDim: 2048, hiddenDims: [2048, 2048], outputDim: 256, batchNorm: false, activation: 'gelu' }` |
 *
 * Shapes: input `[N, inputDim]` → output `[N, outputDim]`. Call it with `{ training: true }`
 * during pretraining: the BN layers then use batch statistics (spec §0).
 *
 * Porting note: BN epsilon 1e-5 and momentum 0.1 (PyTorch) instead of Keras' 1e-3 / 0.99. The
 * affine BN is tfjs-layers' `batchNormalization`; the γ-only and no-affine BNs are our
 * {@link BatchNorm1d} (registered as `TumorxaiBatchNorm1d`) because tfjs-layers' BN cannot train
 * without γ or β.
 *
 * @returns A new `tf.LayersModel` owned by the caller (`dispose()` it).
 * @throws {ConfigError} for non-positive dimensions or unknown option values.
 * @example
 * ```ts
 * const head = createMlpHead({ inputDim: 512, hiddenDims: [512], outputDim: 128, lastBatchNorm: 'affine', seed: 1 });
 * const z = head.apply(features, { training: true }) as tf.Tensor2D; // [N, 128]
 * ```
 */
export function createMlpHead(options: MlpHeadOptions): tfl.LayersModel {
  const fn = 'createMlpHead';
  const hiddenDims = options.hiddenDims ?? [];
  checkDim('inputDim', options.inputDim);
  checkDim('outputDim', options.outputDim);
  hiddenDims.forEach((d, i) => {
    checkDim(`hiddenDims[${i}]`, d);
  });
  const batchNorm = options.batchNorm ?? true;
  const lastBatchNorm = options.lastBatchNorm ?? 'none';
  if (!['none', 'affine', 'scale', 'no-affine'].includes(lastBatchNorm)) {
    throw new ConfigError({
      fn,
      problem: 'unknown lastBatchNorm',
      expected: "'none' | 'affine' | 'scale' | 'no-affine'",
      got: lastBatchNorm,
    });
  }
  const activation = options.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'gelu') {
    throw new ConfigError({
      fn,
      problem: 'unknown activation',
      expected: "'relu' | 'gelu'",
      got: activation,
    });
  }
  const epsilon = options.batchNormEpsilon ?? 1e-5;
  const torchMomentum = options.batchNormMomentum ?? 0.1;
  if (!(torchMomentum >= 0 && torchMomentum <= 1) || !(epsilon > 0)) {
    throw new ConfigError({
      fn,
      problem: 'batchNormMomentum must be in [0, 1] and batchNormEpsilon > 0',
      got: { batchNormMomentum: torchMomentum, batchNormEpsilon: epsilon },
    });
  }
  const name = options.name ?? 'mlp_head';
  const rng = options.seed === undefined ? null : createRng(options.seed);
  const seed = () => (rng ? rng.seed() : undefined);

  const kernelInit = () =>
    options.kernelInitializer && options.kernelInitializer !== 'torch'
      ? options.kernelInitializer
      : // Kaiming-uniform(a=√5): limit = √(3·scale/fanIn) = 1/√fanIn with scale 1/3.
        tfl.initializers.varianceScaling({
          scale: 1 / 3,
          mode: 'fanIn',
          distribution: 'uniform',
          seed: seed(),
        });
  const biasInit = (fanIn: number) =>
    options.biasInitializer && options.biasInitializer !== 'torch'
      ? options.biasInitializer
      : tfl.initializers.randomUniform({
          minval: -1 / Math.sqrt(fanIn),
          maxval: 1 / Math.sqrt(fanIn),
          seed: seed(),
        });

  const input = tfl.input({ shape: [options.inputDim], name: `${name}_input` });
  let x: tfl.SymbolicTensor = input;
  const widths = [...hiddenDims, options.outputDim];
  let fanIn = options.inputDim;
  widths.forEach((units, i) => {
    const last = i === widths.length - 1;
    const bnHere = last ? lastBatchNorm !== 'none' : batchNorm;
    const useBias = options.bias === undefined || options.bias === 'auto' ? !bnHere : options.bias;
    x = tfl.layers
      .dense({
        units,
        useBias,
        name: `${name}_linear${i}`,
        kernelInitializer: kernelInit(),
        biasInitializer: useBias ? biasInit(fanIn) : undefined,
      })
      .apply(x) as tfl.SymbolicTensor;
    if (bnHere) {
      const mode = last ? lastBatchNorm : 'affine';
      const bnName = `${name}_bn${i}`;
      x = (
        mode === 'affine'
          ? tfl.layers.batchNormalization({ epsilon, momentum: 1 - torchMomentum, name: bnName })
          : new BatchNorm1d({
              center: false,
              scale: mode === 'scale',
              epsilon,
              momentum: 1 - torchMomentum,
              name: bnName,
            })
      ).apply(x) as tfl.SymbolicTensor;
    }
    if (!last) {
      x = tfl.layers
        .activation({ activation, name: `${name}_${activation}${i}` })
        .apply(x) as tfl.SymbolicTensor;
    }
    fanIn = units;
  });
  return tfl.model({ inputs: input, outputs: x, name });
}
