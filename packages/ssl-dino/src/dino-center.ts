/**
 * DINO's centering: an exponential moving average of the teacher's outputs, subtracted from the
 * teacher logits so that no single dimension dominates (avoids one-hot collapse; sharpening
 * avoids the uniform one).
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (§3.1, Eq. 4);
 * official `DINOLoss.update_center`; lightly `Center`. Spec `ssl.md` §3c.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DisposedError, ShapeError, stopGradient } from '@tumorxai/core';
import { checkCenter, checkUnitInterval, checkViewList } from './internal/checks.js';

/**
 * The new center `c ← m·c + (1 − m)·mean(t)`, where the mean runs over every teacher view and
 * image of the batch (the raw teacher outputs, not centred). Apply it **after** the loss: the
 * loss of a step uses the old center. No gradient flows through it.
 *
 * @param center The current center `[K]`. Not disposed.
 * @param teacherOut Teacher outputs, one `[B, K]` tensor per global view. Not disposed.
 * @param momentum Center momentum m (default 0.9).
 * @returns The new center `[K]`, owned by the caller.
 * @throws {ShapeError} for shapes that do not match; {ConfigError} unless 0 ≤ m ≤ 1.
 * @example
 * ```ts
 * const next = updateDinoCenter(center, teacherOut, 0.9);
 * center.dispose();
 * ```
 */
export function updateDinoCenter(
  center: tf.Tensor1D,
  teacherOut: readonly tf.Tensor2D[],
  momentum = 0.9,
): tf.Tensor1D {
  const fn = 'updateDinoCenter';
  const m = checkUnitInterval(fn, 'momentum', momentum);
  const [, k] = checkViewList(fn, 'teacherOut', teacherOut);
  checkCenter(fn, center, k);
  return tf.tidy(() => {
    const batchCenter = tf.mean(stopGradient(tf.concat(teacherOut as tf.Tensor2D[], 0)), 0);
    return tf.add(tf.mul(stopGradient(center), m), tf.mul(batchCenter, 1 - m)) as tf.Tensor1D;
  });
}

/** Options of {@link DinoCenter}. */
export interface DinoCenterOptions {
  /** Center momentum m (default 0.9). */
  momentum?: number;
  /** Initial value `[K]` (default zeros, as DINO). Copied; not disposed. */
  initial?: tf.Tensor1D;
}

/**
 * DINO's center as a small stateful block: a non-trainable variable `[K]` starting at zero,
 * updated in place by {@link DinoCenter.update}, saved and restored with
 * {@link DinoCenter.getState} / {@link DinoCenter.setState} (checkpoints). `DINO` keeps one.
 *
 * Ownership: the center owns its variable; `dispose()` frees it.
 *
 * @throws {ConfigError} for a non-positive dimension or a momentum outside [0, 1].
 * @example
 * ```ts
 * const center = new DinoCenter(65536);
 * const loss = dinoLoss(studentOut, teacherOut, center.value);
 * center.update(teacherOut); // after the loss
 * ```
 */
export class DinoCenter {
  /** Output dimension K. */
  readonly dim: number;
  /** Center momentum m. */
  readonly momentum: number;
  private readonly variable: tf.Variable<tf.Rank.R1>;
  private disposed = false;

  constructor(dim: number, options: DinoCenterOptions = {}) {
    const fn = 'DinoCenter';
    if (!Number.isInteger(dim) || dim < 1) {
      throw new ShapeError({ fn, problem: 'dim must be a positive integer', got: dim });
    }
    this.dim = dim;
    this.momentum = checkUnitInterval(fn, 'momentum', options.momentum ?? 0.9);
    if (options.initial !== undefined) checkCenter(fn, options.initial, dim);
    const init = options.initial ? tf.clone(options.initial) : tf.zeros([dim]);
    this.variable = tf.variable(init as tf.Tensor1D, false);
    init.dispose();
  }

  private check(fn: string): void {
    if (this.disposed) {
      throw new DisposedError({ fn: `DinoCenter.${fn}`, problem: 'the center was disposed' });
    }
  }

  /** The current center `[K]`: the variable itself, owned by this object (do not dispose it). */
  get value(): tf.Tensor1D {
    this.check('value');
    return this.variable;
  }

  /** `c ← m·c + (1 − m)·mean(teacherOut)` in place (see {@link updateDinoCenter}). */
  update(teacherOut: readonly tf.Tensor2D[]): void {
    this.check('update');
    const next = updateDinoCenter(this.variable, teacherOut, this.momentum);
    this.variable.assign(next);
    next.dispose();
  }

  /** A copy of the center `[K]`, owned by the caller. */
  getState(): tf.Tensor1D {
    this.check('getState');
    return tf.clone(this.variable);
  }

  /**
   * Restores a center saved with {@link getState} exactly; `state` is not disposed.
   *
   * @throws {ShapeError} unless `state` is `[K]`.
   */
  setState(state: tf.Tensor): void {
    this.check('setState');
    checkCenter('DinoCenter.setState', state, this.dim);
    this.variable.assign(state as tf.Tensor1D);
  }

  /** Frees the variable. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.variable.dispose();
  }
}
