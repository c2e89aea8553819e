/**
 * The optimiser contract of TumorXAI and the slot bookkeeping shared by SGD, LARS and AdamW.
 *
 * Why not `tf.train.Optimizer`: the SSL recipes need a learning rate and a weight decay that
 * change every step (schedules), weight decay and LARS adaptation that skip biases and BN
 * parameters, gradients that may be absent for a step (DINO's frozen last layer: PyTorch skips
 * parameters whose `.grad` is `None`), and a state that round-trips exactly through a checkpoint.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors.js';

/** Per-step hyper-parameters, usually read from schedules. */
export interface OptimizerStepOptions {
  /** Learning rate of this step. */
  learningRate: number;
  /** Weight decay of this step (default: the optimiser's `weightDecay` option). */
  weightDecay?: number;
}

/** Chooses parameters: returns true for those that get weight decay (or LARS adaptation). */
export type ParamFilter = (param: tf.Variable, index: number) => boolean;

/** The default {@link ParamFilter}: parameters with more than one dimension (no biases, no BN γ/β). */
export const excludeBiasAndNorm: ParamFilter = (param) => param.rank > 1;

/** Serialisable optimiser state (see {@link Optimizer.getState}). */
export interface OptimizerState {
  /** `'sgd'`, `'lars'` or `'adamw'`; restoring into another kind throws. */
  kind: string;
  /** Number of `applyGradients` calls so far. */
  iterations: number;
  /** Per-parameter update counts (a parameter without gradient in a step is not counted). */
  paramSteps: number[];
  /** Hyper-parameters, for the record (not restored). */
  config: Record<string, number | boolean | string>;
  /** Slot tensors keyed `<paramIndex>/<slot>`, e.g. `3/momentum`, `3/m`, `3/v`. */
  slots: Record<string, tf.Tensor>;
}

/** An optimiser that takes its learning rate and weight decay per step. */
export interface Optimizer {
  /** `'sgd'`, `'lars'` or `'adamw'`. */
  readonly kind: string;
  /** Number of `applyGradients` calls so far. */
  readonly iterations: number;
  /**
   * Applies one update in place (`variable.assign`) in a single `tf.tidy`. `grads[i]` belongs to
   * `params[i]`; a `null` gradient skips that parameter for this step (no decay, no momentum
   * update), as PyTorch does for `.grad is None`. The parameter list must be the same (count and
   * shapes) at every call: slots are keyed by position. Gradients are not disposed.
   *
   * @throws {ShapeError} when the parameter list or a gradient shape changes.
   * @throws {ConfigError} for a non-finite learning rate or weight decay.
   */
  applyGradients(
    params: readonly tf.Variable[],
    grads: readonly (tf.Tensor | null | undefined)[],
    options: OptimizerStepOptions,
  ): void;
  /** A snapshot of the state; the slot tensors are new and owned by the caller. */
  getState(): OptimizerState;
  /**
   * Replaces the state with a copy of `state` (its tensors are not disposed).
   *
   * @throws {ConfigError} when `state.kind` differs from this optimiser's kind.
   */
  setState(state: OptimizerState): void;
  /** Frees the slot variables. */
  dispose(): void;
}

/** Shared bookkeeping: lazily created zero slots, validation, per-parameter step counts. */
export abstract class SlotOptimizer implements Optimizer {
  abstract readonly kind: string;
  protected readonly slots = new Map<string, tf.Variable>();
  protected paramSteps: number[] = [];
  private shapes: number[][] | null = null;
  private iterationCount = 0;

  get iterations(): number {
    return this.iterationCount;
  }

  /** Hyper-parameters recorded in the state. */
  protected abstract config(): Record<string, number | boolean | string>;

  /** Default weight decay when a step does not give one. */
  protected abstract readonly defaultWeightDecay: number;

  /**
   * Returns the new value of `param` (inside the step's tidy); updates slots with `assign`.
   * `step` is this parameter's 1-based update count.
   */
  protected abstract update(
    index: number,
    param: tf.Variable,
    grad: tf.Tensor,
    lr: tf.Scalar,
    weightDecay: number,
    step: number,
  ): tf.Tensor;

  /** The slot `name` of parameter `index`, created as zeros shaped like `like` on first use. */
  protected slot(index: number, name: string, like: tf.Tensor): tf.Variable {
    const key = `${index}/${name}`;
    let v = this.slots.get(key);
    if (!v) {
      const zeros = tf.zerosLike(like);
      v = tf.variable(zeros, false);
      zeros.dispose();
      this.slots.set(key, v);
    }
    return v;
  }

  applyGradients(
    params: readonly tf.Variable[],
    grads: readonly (tf.Tensor | null | undefined)[],
    options: OptimizerStepOptions,
  ): void {
    const fn = `${this.constructor.name}.applyGradients`;
    const lr = options.learningRate;
    const wd = options.weightDecay ?? this.defaultWeightDecay;
    if (!Number.isFinite(lr) || !Number.isFinite(wd)) {
      throw new ConfigError({
        fn,
        problem: 'learningRate and weightDecay must be finite numbers',
        got: { learningRate: lr, weightDecay: wd },
      });
    }
    if (params.length !== grads.length) {
      throw new ShapeError({
        fn,
        problem: 'params and grads must have the same length',
        expected: params.length,
        got: grads.length,
      });
    }
    const shapes = params.map((p) => p.shape);
    if (this.shapes === null) {
      this.shapes = shapes;
      this.paramSteps = params.map((_, i) => this.paramSteps[i] ?? 0);
    } else if (
      this.shapes.length !== shapes.length ||
      shapes.some((s, i) => s.join() !== this.shapes![i]!.join())
    ) {
      throw new ShapeError({
        fn,
        problem: 'the parameter list changed between steps (slots are keyed by position)',
        expected: `${this.shapes.length} params of the first step's shapes`,
        got: `${shapes.length} params`,
        fix: 'Pass the same variables, in the same order, at every step; use a null gradient to skip one',
      });
    }
    grads.forEach((g, i) => {
      if (g && g.shape.join() !== shapes[i]!.join()) {
        throw new ShapeError({
          fn,
          problem: `gradient ${i} does not match its parameter`,
          expected: JSON.stringify(shapes[i]),
          got: JSON.stringify(g.shape),
        });
      }
    });
    tf.tidy(() => {
      const lrScalar = tf.scalar(lr);
      params.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        this.paramSteps[i] = (this.paramSteps[i] ?? 0) + 1;
        p.assign(this.update(i, p, g, lrScalar, wd, this.paramSteps[i]!));
      });
    });
    this.iterationCount++;
  }

  getState(): OptimizerState {
    const slots: Record<string, tf.Tensor> = {};
    for (const [key, v] of this.slots) slots[key] = tf.clone(v);
    return {
      kind: this.kind,
      iterations: this.iterationCount,
      paramSteps: [...this.paramSteps],
      config: this.config(),
      slots,
    };
  }

  setState(state: OptimizerState): void {
    if (state.kind !== this.kind) {
      throw new ConfigError({
        fn: `${this.constructor.name}.setState`,
        problem: 'the state belongs to another kind of optimiser',
        expected: this.kind,
        got: state.kind,
        fix: 'Resume with the optimiser the checkpoint was written with',
      });
    }
    this.dispose();
    for (const [key, t] of Object.entries(state.slots)) {
      const copy = tf.clone(t);
      this.slots.set(key, tf.variable(copy, false));
      copy.dispose();
    }
    this.iterationCount = state.iterations;
    this.paramSteps = [...state.paramSteps];
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
    this.shapes = null;
  }
}
