/**
 * A weight-normalised Linear layer without bias, `y = g ⊙ (x · V/‖V‖)`: DINO's last layer.
 *
 * References: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (App. C, "DINO head");
 * official `vision_transformer.DINOHead.last_layer` = `nn.utils.weight_norm(nn.Linear(…,
 * bias=False))`; [1] Salimans & Kingma 2016, "Weight Normalization",
 * https://arxiv.org/abs/1602.07868. Spec `ssl.md` §3b.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, l2Normalize, ShapeError } from '@tumorxai/core';

/** Constructor arguments of {@link WeightNormDense}. */
export interface WeightNormDenseArgs {
  /** Output features K. */
  units: number;
  /**
   * Learn the norm g of every output unit (default false: g is fixed to 1 and the layer is a
   * cosine-similarity layer — DINO's `norm_last_layer=True`).
   */
  learnNorm?: boolean;
  /** Seed of the direction V's initialisation (default: unseeded). */
  seed?: number;
  name?: string;
  trainable?: boolean;
  inputShape?: number[];
}

/**
 * Weight normalisation [1] of a bias-free Linear layer: the kernel is the direction V `[in, K]`
 * (weight `weight_v`) divided by the l2 norm of each output column, times a per-unit norm g `[K]`
 * (weight `weight_g`, present only with `learnNorm`, initialised to 1 as DINO does). Scaling V
 * leaves the output unchanged.
 *
 * Shapes: `[N, in]` → `[N, K]`. V is initialised like PyTorch's `nn.Linear` (U(±1/√in)), as
 * DINO keeps the default init for V.
 *
 * Porting note: PyTorch stores `weight_v` as `[K, in]` and `weight_g` as `[K, 1]`; ours are
 * `[in, K]` and `[K]` (Keras layout): transpose / reshape when porting weights.
 * Registered for serialisation as `TumorxaiWeightNormDense` (importing this package registers it,
 * so `tf.loadLayersModel` reads saved DINO heads).
 *
 * @example
 * ```ts
 * const last = new WeightNormDense({ units: 65536, name: 'last_layer' });
 * const y = last.apply(l2Normalized) as tf.SymbolicTensor;
 * ```
 */
export class WeightNormDense extends tfl.layers.Layer {
  static className = 'TumorxaiWeightNormDense';
  readonly units: number;
  readonly learnNorm: boolean;
  readonly seed: number | undefined;
  private direction!: tfl.LayerVariable;
  private norm: tfl.LayerVariable | null = null;

  constructor(args: WeightNormDenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new ConfigError({
        fn: 'WeightNormDense',
        problem: 'units must be a positive integer',
        got: args.units,
      });
    }
    this.units = args.units;
    this.learnNorm = args.learnNorm ?? false;
    this.seed = args.seed;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inDim = shape[shape.length - 1];
    if (inDim == null) {
      throw new ShapeError({
        fn: 'WeightNormDense',
        problem: 'the last input dimension must be known',
        got: JSON.stringify(shape),
      });
    }
    const limit = 1 / Math.sqrt(inDim);
    this.direction = this.addWeight(
      'weight_v',
      [inDim, this.units],
      'float32',
      tfl.initializers.randomUniform({ minval: -limit, maxval: limit, seed: this.seed }),
    );
    if (this.learnNorm) {
      this.norm = this.addWeight('weight_g', [this.units], 'float32', tfl.initializers.ones());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      // W = V / ‖V_col‖ (torch: per output row of [K, in]); eps 1e-12 guards an all-zero column.
      const kernel = l2Normalize(this.direction.read(), 0);
      const y = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
      return this.norm ? tf.mul(y, this.norm.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      learnNorm: this.learnNorm,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}

tf.serialization.registerClass(WeightNormDense);
