/**
 * A BatchNorm layer for `[N, C]` features whose γ and β are each optional, for the heads whose
 * last BN has γ only (SimCLR's official code) or neither (MoCo v3's projector).
 *
 * Why a custom layer: tfjs-layers 4.22 `batchNormalization({ center: false })` (or `scale:
 * false`) throws in training mode — its `call` reads `this.beta.read()` / `this.gamma.read()`
 * unconditionally ("Cannot read properties of undefined (reading 'read')").
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Constructor arguments of {@link BatchNorm1d}. */
export interface BatchNorm1dArgs {
  /** Learn a shift β (default true). */
  center?: boolean;
  /** Learn a scale γ (default true). */
  scale?: boolean;
  /** Added to the variance (default 1e-5, PyTorch's default). */
  epsilon?: number;
  /**
   * Keras-convention decay of the moving statistics, `moving ← m·moving + (1−m)·batch`
   * (default 0.9, i.e. PyTorch momentum 0.1).
   */
  momentum?: number;
  name?: string;
  inputShape?: number[];
  trainable?: boolean;
}

/**
 * Batch normalisation over axis 0 of `[N, C]` inputs: training mode normalises with the biased
 * batch variance and updates the moving statistics; inference uses the moving statistics.
 *
 * Porting note: like tfjs-layers' BN (and unlike PyTorch) the stored moving variance is the
 * biased batch variance. It only matters in eval mode, which the SSL heads never use.
 * Registered for serialisation as `TumorxaiBatchNorm1d`.
 */
export class BatchNorm1d extends tfl.layers.Layer {
  static className = 'TumorxaiBatchNorm1d';
  readonly center: boolean;
  readonly scale: boolean;
  readonly epsilon: number;
  readonly momentum: number;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;
  private movingMean!: tfl.LayerVariable;
  private movingVariance!: tfl.LayerVariable;

  constructor(args: BatchNorm1dArgs = {}) {
    super(args);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.epsilon = args.epsilon ?? 1e-5;
    this.momentum = args.momentum ?? 0.9;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const dim = shape[shape.length - 1];
    if (dim == null) {
      throw new Error('BatchNorm1d: the last input dimension must be known');
    }
    const ones = tfl.initializers.ones();
    const zeros = tfl.initializers.zeros();
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], 'float32', ones);
    if (this.center) this.beta = this.addWeight('beta', [dim], 'float32', zeros);
    this.movingMean = this.addWeight('moving_mean', [dim], 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight(
      'moving_variance',
      [dim],
      'float32',
      ones,
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const training = kwargs.training === true;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (training) {
        ({ mean, variance } = tf.moments(x, 0));
        const decay = 1 - this.momentum;
        const update = (v: tfl.LayerVariable, batchValue: tf.Tensor) => {
          const old = v.read();
          v.write(tf.sub(old, tf.mul(tf.sub(old, batchValue), decay)));
        };
        update(this.movingMean, mean);
        update(this.movingVariance, variance);
      } else {
        mean = this.movingMean.read();
        variance = this.movingVariance.read();
      }
      // Plain ops, not tf.batchNorm: its tape records a missing offset/scale as an undefined
      // input, which breaks tf.variableGrads ("Cannot read properties of undefined").
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      center: this.center,
      scale: this.scale,
      epsilon: this.epsilon,
      momentum: this.momentum,
    };
  }
}

tf.serialization.registerClass(BatchNorm1d);
