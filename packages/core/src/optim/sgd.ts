/**
 * SGD with momentum and Nesterov momentum, PyTorch semantics (`torch.optim.SGD`, dampening 0).
 * Used by DINO's ResNet recipe and by linear evaluation (SimCLR and BYOL use Nesterov).
 * Nesterov: Sutskever et al. 2013, http://proceedings.mlr.press/v28/sutskever13.html.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { excludeBiasAndNorm, type ParamFilter, SlotOptimizer } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Momentum μ (default 0.9; 0 disables the buffer). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Default weight decay, coupled (added to the gradient) as in PyTorch (default 0). */
  weightDecay?: number;
  /**
   * Which parameters get weight decay (default {@link excludeBiasAndNorm}: ndim > 1, as DINO's
   * `get_params_groups` and every SSL recipe of the spec). Pass `() => true` for PyTorch's
   * default of decaying everything.
   */
  weightDecayFilter?: ParamFilter;
}

/**
 * SGD: `d = g + wd·p` (decayed params only), `buf ← μ·buf + d`,
 * `p ← p − lr·(nesterov ? d + μ·buf : buf)`. The buffer starts at zero, which equals PyTorch's
 * first-step `buf = d` when dampening is 0.
 *
 * @throws {ConfigError} for momentum outside [0, 1) or Nesterov without momentum.
 * @example
 * ```ts
 * const sgd = new SGD({ momentum: 0.9, nesterov: true });
 * sgd.applyGradients(vars, grads, { learningRate: lr(step), weightDecay: 1e-4 });
 * ```
 */
export class SGD extends SlotOptimizer {
  readonly kind = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly defaultWeightDecay: number;
  private readonly weightDecayFilter: ParamFilter;

  constructor(options: SGDOptions = {}) {
    super();
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.defaultWeightDecay = options.weightDecay ?? 0;
    this.weightDecayFilter = options.weightDecayFilter ?? excludeBiasAndNorm;
    if (!(this.momentum >= 0 && this.momentum < 1) || (this.nesterov && this.momentum === 0)) {
      throw new ConfigError({
        fn: 'SGD',
        problem: 'momentum must be in [0, 1), and positive with nesterov',
        got: { momentum: this.momentum, nesterov: this.nesterov },
      });
    }
  }

  protected config() {
    return {
      momentum: this.momentum,
      nesterov: this.nesterov,
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
    if (this.momentum !== 0) {
      const buf = this.slot(index, 'momentum', param);
      const next = tf.add(tf.mul(buf, this.momentum), d);
      buf.assign(next);
      d = this.nesterov ? tf.add(d, tf.mul(next, this.momentum)) : next;
    }
    return tf.sub(param, tf.mul(d, lr));
  }
}
