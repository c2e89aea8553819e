/**
 * AdamW: Adam with decoupled weight decay, PyTorch semantics (`torch.optim.AdamW`).
 * Loshchilov & Hutter 2019, https://arxiv.org/abs/1711.05101. DINO's ViT recipe uses it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { excludeBiasAndNorm, type ParamFilter, SlotOptimizer } from './optimizer.js';

/** Options of {@link AdamW}. */
export interface AdamWOptions {
  /** β₁ (default 0.9). */
  beta1?: number;
  /** β₂ (default 0.999). */
  beta2?: number;
  /** ε added to √v̂ (default 1e-8). */
  epsilon?: number;
  /** Default decoupled weight decay (default 0.01, PyTorch's). */
  weightDecay?: number;
  /**
   * Which parameters get weight decay (default {@link excludeBiasAndNorm}: ndim > 1, as DINO's
   * parameter groups). Pass `() => true` for PyTorch's default.
   */
  weightDecayFilter?: ParamFilter;
}

/**
 * One AdamW step (t = this parameter's update count, from 1):
 *
 * ```
 * p ← p·(1 − lr·wd)                 (decayed params only; decoupled from the gradient)
 * m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 * p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
 * ```
 *
 * @throws {ConfigError} for β outside [0, 1) or ε ≤ 0.
 * @example
 * ```ts
 * const adamw = new AdamW({ weightDecay: 0.04 });
 * adamw.applyGradients(vars, grads, { learningRate: 5e-4, weightDecay: wdSchedule(step) });
 * ```
 */
export class AdamW extends SlotOptimizer {
  readonly kind = 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly defaultWeightDecay: number;
  private readonly weightDecayFilter: ParamFilter;

  constructor(options: AdamWOptions = {}) {
    super();
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.defaultWeightDecay = options.weightDecay ?? 0.01;
    this.weightDecayFilter = options.weightDecayFilter ?? excludeBiasAndNorm;
    const betaOk = (b: number) => b >= 0 && b < 1;
    if (!betaOk(this.beta1) || !betaOk(this.beta2) || !(this.epsilon > 0)) {
      throw new ConfigError({
        fn: 'AdamW',
        problem: 'beta1 and beta2 must be in [0, 1) and epsilon > 0',
        got: { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon },
      });
    }
  }

  protected config() {
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.defaultWeightDecay,
    };
  }

  protected update(
    index: number,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: tf.Scalar,
    weightDecay: number,
    step: number,
  ): tf.Tensor {
    let p: tf.Tensor = param;
    if (weightDecay !== 0 && this.weightDecayFilter(param, index)) {
      p = tf.mul(p, tf.sub(1, tf.mul(lr, weightDecay)));
    }
    const m = this.slot(index, 'm', param);
    const v = this.slot(index, 'v', param);
    const nextM = tf.add(tf.mul(m, this.beta1), tf.mul(grad, 1 - this.beta1));
    const nextV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2));
    m.assign(nextM);
    v.assign(nextV);
    const mHat = tf.div(nextM, 1 - this.beta1 ** step);
    const vHat = tf.div(nextV, 1 - this.beta2 ** step);
    return tf.sub(p, tf.mul(lr, tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon))));
  }
}
