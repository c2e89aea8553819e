/**
 * A momentum (target / teacher / key) network: a non-trainable deep copy of online networks
 * updated by an exponential moving average of their weights.
 *
 * References: MoCo, He et al. 2020, https://arxiv.org/abs/1911.05722; BYOL, Grill et al. 2020,
 * https://arxiv.org/abs/2006.07733; DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294;
 * MoCo v3, Chen et al. 2021, https://arxiv.org/abs/2104.02057. Spec §2d, §3d, §4d.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, DisposedError } from '../errors.js';
import { weightsInCreationOrder } from './weights.js';

/** Options of {@link MomentumEncoder}. */
export interface MomentumEncoderOptions {
  /**
   * Builds a new model with the architecture of `source` (default: tfjs-layers' own
   * `fromConfig(getConfig())`, which needs any custom layer class to be registered with
   * `tf.serialization.registerClass`). The weights are copied afterwards.
   */
  clone?: (source: tfl.LayersModel, index: number) => tfl.LayersModel;
}

type ModelClass = { fromConfig(cls: unknown, config: unknown): tfl.LayersModel };

/**
 * `to` reordered to pair with `from` by weight name (`layer/weight`) when both hold the same
 * unique names, else `to` unchanged (creation order). A rebuild from config keeps the names but
 * may build the layers in another order than the original code did (a ResNet's downsample
 * branch), so creation order alone can pair the wrong weights.
 */
function matchByName(from: tfl.LayerVariable[], to: tfl.LayerVariable[]): tfl.LayerVariable[] {
  const byName = new Map(to.map((w) => [w.originalName, w]));
  const unique =
    byName.size === to.length && new Set(from.map((w) => w.originalName)).size === from.length;
  if (!unique || to.length !== from.length || !from.every((w) => byName.has(w.originalName))) {
    return to;
  }
  return from.map((w) => byName.get(w.originalName)!);
}

function cloneFromConfig(source: tfl.LayersModel): tfl.LayersModel {
  const cls = source.constructor as unknown as ModelClass;
  try {
    return cls.fromConfig(cls, source.getConfig());
  } catch (cause) {
    throw new ConfigError(
      {
        fn: 'MomentumEncoder',
        problem: `could not rebuild "${source.name}" from its config`,
        fix: 'Register its custom layers with tf.serialization.registerClass, or pass { clone: () => buildSameModel() }',
      },
      { cause },
    );
  }
}

/**
 * Holds copies of one or more online networks (e.g. `[backbone, projector]`) and runs them in
 * sequence.
 *
 * - **Deep copy**: new variables (checked: none is shared with the online networks), weights
 *   copied at construction, `trainable = false` so that `trainableWeights` is empty and
 *   `tf.variableGrads` gives them no gradient.
 * - **EMA** {@link update}: `θ_m ← m·θ_m + (1−m)·θ` over the online networks' *trainable*
 *   weights, all in one `tf.tidy`, written in place with `assign`.
 * - **BN statistics** are the copy's own: they are not EMA'd, and they move when the copy runs
 *   in training mode (as in BYOL, MoCo v3 and DINO, whose momentum networks run in train mode).
 *
 * Ownership: the copies belong to the encoder (`dispose()` frees them); the online networks stay
 * the caller's and are only read.
 *
 * @throws {ConfigError} when a copy cannot be built or shares a variable with the online network.
 * @example
 * ```ts
 * const target = new MomentumEncoder([backbone, projector]);
 * const z = tf.tidy(() => target.apply(views, { training: true })); // no gradient: outside the closure
 * target.update(cosineSchedule(step, totalSteps, 0.996, 1));        // after the optimiser step (BYOL)
 * ```
 */
export class MomentumEncoder {
  /** The copies, in the order of the online networks. */
  readonly networks: readonly tfl.LayersModel[];
  private readonly pairs: Array<[tf.Variable, tf.Variable]> = [];
  private disposed = false;

  constructor(
    online: tfl.LayersModel | readonly tfl.LayersModel[],
    options: MomentumEncoderOptions = {},
  ) {
    const sources = Array.isArray(online) ? online : [online as tfl.LayersModel];
    if (sources.length === 0) {
      throw new ConfigError({ fn: 'MomentumEncoder', problem: 'no online network was given' });
    }
    const clone = options.clone ?? cloneFromConfig;
    const copies: tfl.LayersModel[] = [];
    try {
      sources.forEach((source, i) => {
        const copy = clone(source, i);
        copies.push(copy);
        this.link(source, copy);
      });
    } catch (error) {
      // Copies made by a user's clone() stay theirs on failure: it may have returned a live model.
      if (!options.clone) for (const c of copies) c.dispose();
      throw error;
    }
    this.networks = copies;
  }

  private link(source: tfl.LayersModel, copy: tfl.LayersModel): void {
    const fn = 'MomentumEncoder';
    const ids = new Set(source.weights.map((w) => w.read().id));
    if (copy === source || copy.weights.some((w) => ids.has(w.read().id))) {
      throw new ConfigError({
        fn,
        problem: `the copy of "${source.name}" shares variables with the online network`,
        fix: 'Make options.clone build a new model instead of returning an existing one',
      });
    }
    const from = weightsInCreationOrder(source);
    const to = matchByName(from, weightsInCreationOrder(copy));
    if (to.length !== from.length || to.some((w, k) => w.shape.join() !== from[k]!.shape.join())) {
      throw new ConfigError({
        fn,
        problem: `the copy of "${source.name}" has another architecture`,
        expected: `${from.length} weights of the same shapes`,
        got: `${to.length} weights`,
      });
    }
    from.forEach((w, k) => {
      const target = to[k]!.read() as tf.Variable;
      target.assign(w.read());
      if (w.trainable) this.pairs.push([target, w.read() as tf.Variable]);
    });
    copy.trainable = false;
  }

  private check(fn: string): void {
    if (this.disposed) {
      throw new DisposedError({ fn: `MomentumEncoder.${fn}`, problem: 'the encoder was disposed' });
    }
  }

  /**
   * Runs the copies in sequence on `x` (default `training: true`, i.e. BN batch statistics).
   * Call it outside any gradient closure: its output then carries no gradient (tfjs has no
   * `stopGradient`).
   *
   * @returns A new tensor owned by the caller; `x` is not disposed.
   */
  apply(x: tf.Tensor, options: { training?: boolean } = {}): tf.Tensor {
    this.check('apply');
    const training = options.training ?? true;
    return tf.tidy(() =>
      this.networks.reduce<tf.Tensor>((h, net) => net.apply(h, { training }) as tf.Tensor, x),
    );
  }

  /**
   * EMA update `θ_m ← m·θ_m + (1−m)·θ` of every trainable weight, in one tidy. `m = 1` leaves
   * the copy unchanged, `m = 0` copies the online weights.
   *
   * @throws {ConfigError} unless 0 ≤ momentum ≤ 1.
   */
  update(momentum: number): void {
    this.check('update');
    if (!(momentum >= 0 && momentum <= 1)) {
      throw new ConfigError({
        fn: 'MomentumEncoder.update',
        problem: 'momentum must be in [0, 1]',
        got: momentum,
        fix: 'Use e.g. cosineSchedule(step, totalSteps, 0.996, 1)',
      });
    }
    tf.tidy(() => {
      const m = tf.scalar(momentum);
      const rest = tf.scalar(1 - momentum);
      for (const [target, online] of this.pairs) {
        target.assign(tf.add(tf.mul(target, m), tf.mul(online, rest)));
      }
    });
  }

  /** Frees the copies (not the online networks). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const n of this.networks) n.dispose();
  }
}
