/**
 * DINO's projection head: MLP with GELU → bottleneck → l2 normalisation → weight-normalised last
 * layer.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (App. C); official
 * `vision_transformer.DINOHead`; lightly `DINOProjectionHead`. Spec `ssl.md` §3b.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, createMlpHead, createRng, weightsInCreationOrder } from '@tumorxai/core';
import { L2Normalize } from './l2-normalize-layer.js';
import { WeightNormDense } from './weight-norm-dense.js';

/** Options of {@link createDINOHead}. */
export interface DINOHeadOptions {
  /** Backbone features (default 2048, ResNet-50). */
  inputDim?: number;
  /** Width of the hidden layers (default 2048). */
  hiddenDim?: number;
  /** Bottleneck before the last layer (default 256). */
  bottleneckDim?: number;
  /** Output dimension K (default 65536). Small data sets do well with a few thousand. */
  outputDim?: number;
  /** BatchNorm after each hidden Linear (default false, also in DINO's ResNet-50 recipe). */
  batchNorm?: boolean;
  /** Fix the last layer's norm g to 1 (default true: a cosine layer; DINO's `norm_last_layer`). */
  normLastLayer?: boolean;
  /** Linear layers of the MLP, bottleneck included (default 3, DINO's `nlayers`). */
  layers?: number;
  /** Seed of the initialisation (default: unseeded). */
  seed?: number;
  /** Model name and layer-name prefix (default `'dino_head'`). */
  name?: string;
}

/**
 * Builds DINO's head as a `tf.LayersModel`:
 *
 * ```
 * x [N, inputDim] → (Linear → [BN] → GELU) × (layers − 1) → Linear(bottleneckDim)
 *   → l2n → WeightNormDense(outputDim, bias-free) → [N, outputDim]
 * ```
 *
 * - GELU is the exact erf form (tfjs-layers' `'gelu'`), not the tanh approximation.
 * - The last layer (`<name>_last_layer`, a {@link WeightNormDense}) computes
 *   `l2n(x)·(V/‖V_col‖)·g`; with `normLastLayer` g is fixed to 1, so every output is a cosine
 *   similarity in [−1, 1]. Scaling V does not change the output.
 * - Init as DINO: MLP kernels N(0, 0.02²), biases 0; V like `nn.Linear`; g = 1.
 * - During the first epochs DINO drops the last layer's gradient (`freeze_last_layer`, default
 *   1 epoch): `DINO` does it with `freezeLastLayerEpochs`, your own loop with
 *   {@link cancelLastLayerGradients}.
 *
 * Porting note: the MLP kernels use N(0, 0.02²) — DINO's `trunc_normal_(std=.02)` truncates at
 * ±2 (absolute, i.e. ±100σ), so it is a plain normal; tfjs' `truncatedNormal` would cut at ±2σ.
 * With `batchNorm`, the Linear before a BN keeps its bias as in the official code (lightly drops
 * it; under train-mode BN it makes no difference). BN ε 1e-5, momentum 0.1 (PyTorch).
 *
 * Only built-in layers plus {@link L2Normalize} and {@link WeightNormDense}, which importing this
 * package registers, so `tf.loadLayersModel` reads a saved head.
 *
 * @returns A new `tf.LayersModel` owned by the caller (`dispose()` it).
 * @throws {ConfigError} for non-positive dimensions or `layers < 1`.
 * @example
 * ```ts
 * const head = createDINOHead({ inputDim: 512, hiddenDim: 512, bottleneckDim: 128, outputDim: 4096, seed: 0 });
 * const logits = head.apply(features, { training: true }) as tf.Tensor2D; // [N, 4096]
 * ```
 */
export function createDINOHead(options: DINOHeadOptions = {}): tfl.LayersModel {
  const fn = 'createDINOHead';
  const layers = options.layers ?? 3;
  if (!Number.isInteger(layers) || layers < 1) {
    throw new ConfigError({ fn, problem: 'layers must be a positive integer', got: layers });
  }
  const outputDim = options.outputDim ?? 65536;
  if (!Number.isInteger(outputDim) || outputDim < 1) {
    throw new ConfigError({ fn, problem: 'outputDim must be a positive integer', got: outputDim });
  }
  const name = options.name ?? 'dino_head';
  const rng = options.seed === undefined ? null : createRng(options.seed).fork('dino-head');
  const seed = () => (rng ? rng.seed() : Math.floor(Math.random() * 2 ** 31));
  const mlp = createMlpHead({
    inputDim: options.inputDim ?? 2048,
    hiddenDims: new Array<number>(layers - 1).fill(options.hiddenDim ?? 2048),
    outputDim: options.bottleneckDim ?? 256,
    batchNorm: options.batchNorm ?? false,
    lastBatchNorm: 'none',
    bias: true,
    activation: 'gelu',
    kernelInitializer: tfl.initializers.zeros(), // replaced below, one seed per layer
    biasInitializer: tfl.initializers.zeros(),
    name,
  });
  for (const w of weightsInCreationOrder(mlp)) {
    if (w.originalName.endsWith('/kernel')) {
      const init = tf.randomNormal(w.shape as number[], 0, 0.02, 'float32', seed());
      w.write(init);
      init.dispose();
    }
  }
  const unit = new L2Normalize({ name: `${name}_l2n` }).apply(mlp.outputs[0]!);
  const last = new WeightNormDense({
    units: outputDim,
    learnNorm: !(options.normLastLayer ?? true),
    seed: seed(),
    name: `${name}_last_layer`,
  }).apply(unit) as tfl.SymbolicTensor;
  return tfl.model({ inputs: mlp.inputs, outputs: last, name });
}

/** Options of {@link cancelLastLayerGradients}. */
export interface CancelLastLayerOptions {
  /** 0-based epoch of the step. */
  epoch: number;
  /** Epochs during which the last layer gets no gradient (default 1, DINO's `freeze_last_layer`). */
  freezeLastLayerEpochs?: number;
}

/**
 * DINO's `cancel_gradients_last_layer`: while `epoch < freezeLastLayerEpochs`, replaces the
 * gradients of the head's last layer (its final layer, e.g. `dino_head_last_layer`) by `null`, so
 * the optimiser skips those parameters entirely (no update, no weight decay, no momentum) — as
 * PyTorch does for `p.grad = None`. Freezing the last layer during the first epoch stabilises
 * training [0, App. D].
 *
 * Use it as `minimize`'s `transformGradients`. Returns a new array; gradients are not disposed.
 *
 * @throws {ConfigError} for a negative epoch or freeze count.
 * @example
 * ```ts
 * minimize(optimizer, params, lossFn, {
 *   learningRate,
 *   transformGradients: (g, p) => cancelLastLayerGradients(head, p, g, { epoch }),
 * });
 * ```
 */
export function cancelLastLayerGradients(
  head: tfl.LayersModel,
  params: readonly tf.Variable[],
  grads: readonly (tf.Tensor | null)[],
  options: CancelLastLayerOptions,
): (tf.Tensor | null)[] {
  const fn = 'cancelLastLayerGradients';
  const freeze = options.freezeLastLayerEpochs ?? 1;
  for (const [key, value] of [
    ['epoch', options.epoch],
    ['freezeLastLayerEpochs', freeze],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ConfigError({ fn, problem: `${key} must be a non-negative integer`, got: value });
    }
  }
  if (options.epoch >= freeze) return [...grads];
  const lastLayer = head.layers[head.layers.length - 1]!;
  const frozen = new Set(lastLayer.trainableWeights.map((w) => w.read().id));
  return grads.map((g, i) => (frozen.has(params[i]!.id) ? null : g));
}
