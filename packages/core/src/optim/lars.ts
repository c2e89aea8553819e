/**
 * LARS, layer-wise adaptive rate scaling, in the form of MoCo v3's `moco/optimizer.py` (also
 * lightly's and the SimCLR / BYOL recipes): You et al. 2017, https://arxiv.org/abs/1708.03888.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { excludeBiasAndNorm, type ParamFilter, SlotOptimizer } from './optimizer.js';

/** Options of {@link LARS}. */
export interface LARSOptions {
  /** Momentum μ (default 0.9). */
  momentum?: number;
  /** Trust coefficient η (default 0.001). */
  trustCoefficient?: number;
  /** Default weight decay (default 1e-6, SimCLR's paper value). */
  weightDecay?: number;
  /** Which parameters get weight decay (default {@link excludeBiasAndNorm}: ndim > 1). */
  weightDecayFilter?: ParamFilter;
  /** Which parameters get the trust-ratio adaptation (default {@link excludeBiasAndNorm}). */
  adaptationFilter?: ParamFilter;
}

/**
 * One LARS step per parameter p with gradient g:
 *
 * ```
 * d = g + wd·p                                  (weight-decayed params only)
 * q = η‖p‖/‖d‖ if ‖p‖ > 0 and ‖d‖ > 0, else 1   (adapted params only; otherwise q = 1)
 * buf ← μ·buf + q·d
 * p ← p − lr·buf
 * ```
 *
 * Biases and BN parameters (ndim ≤ 1) are excluded from both weight decay and adaptation
 * (spec §1e, §2e, §4e).
 *
 * Porting note: the official SimCLR TF optimiser folds the learning rate into the momentum
 * buffer (`v ← μv + lr·q·d`); with a constant lr both are identical, with a schedule they differ
 * slightly. We follow MoCo v3 / lightly (PyTorch), where lr multiplies the buffer.
 *
 * @throws {ConfigError} for momentum outside [0, 1) or a negative trust coefficient.
 * @example
 * ```ts
 * const lars = new LARS({ weightDecay: 1e-6 });
 * lars.applyGradients(vars, grads, { learningRate: 0.075 * Math.sqrt(batchSize) });
 * ```
 */
export class LARS extends SlotOptimizer {
  readonly kind = 'lars';
  readonly momentum: number;
  readonly trustCoefficient: number;
  protected readonly defaultWeightDecay: number;
  private readonly weightDecayFilter: ParamFilter;
  private readonly adaptationFilter: ParamFilter;

  constructor(options: LARSOptions = {}) {
    super();
    this.momentum = options.momentum ?? 0.9;
    this.trustCoefficient = options.trustCoefficient ?? 0.001;
    this.defaultWeightDecay = options.weightDecay ?? 1e-6;
    this.weightDecayFilter = options.weightDecayFilter ?? excludeBiasAndNorm;
    this.adaptationFilter = options.adaptationFilter ?? excludeBiasAndNorm;
    if (!(this.momentum >= 0 && this.momentum < 1) || !(this.trustCoefficient >= 0)) {
      throw new ConfigError({
        fn: 'LARS',
        problem: 'momentum must be in [0, 1) and trustCoefficient >= 0',
        got: { momentum: this.momentum, trustCoefficient: this.trustCoefficient },
      });
    }
  }

  protected config() {
    return {
      momentum: this.momentum,
      trustCoefficient: this.trustCoefficient,
      weightDecay: this.defaultWeightDecay,
    };
  }

  protected update(
    index: number,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: tf.Scalar,
    weightDecay: number,
  ): tf.Tensor {
    let d = grad;
    if (weightDecay !== 0 && this.weightDecayFilter(param, index)) {
      d = tf.add(d, tf.mul(param, weightDecay));
    }
    if (this.adaptationFilter(param, index)) {
      const paramNorm = tf.norm(param);
      const updateNorm = tf.norm(d);
      const usable = tf.logicalAnd(tf.greater(paramNorm, 0), tf.greater(updateNorm, 0));
      // The division is only selected where both norms are positive.
      const ratio = tf.div(tf.mul(paramNorm, this.trustCoefficient), updateNorm);
      d = tf.mul(d, tf.where(usable, ratio, tf.onesLike(ratio)));
    }
    const buf = this.slot(index, 'momentum', param);
    const next = tf.add(tf.mul(buf, this.momentum), d);
    buf.assign(next);
    return tf.sub(param, tf.mul(next, lr));
  }
}
