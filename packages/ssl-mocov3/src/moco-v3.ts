/**
 * The MoCo v3 method: online queries (backbone f, projector, predictor) against keys from a
 * momentum encoder (momentum copies of f and the projector), contrasted across two views.
 *
 * Reference: [0] MoCo v3, Chen, Xie, He 2021, https://arxiv.org/abs/2104.02057. Spec `ssl.md` §4.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  assignWeights,
  buildOnlineNetworks,
  ConfigError,
  checkMomentumAndClip,
  checkTwoViews,
  collectWeights,
  cosineSchedule,
  createRng,
  DisposedError,
  embeddingStd,
  LARS,
  type MomentumEncoder,
  methodLearningRate,
  minimizeAndReadLoss,
  type Optimizer,
  type Rng,
  type SSLMethod,
  type TrainStepContext,
  type TrainStepResult,
  trainableVariables,
  type ViewsFn,
  withCleanup,
} from '@tumorxai/core';
import { createMoCoV3PredictionHead, createMoCoV3ProjectionHead } from './heads.js';
import type { MoCoV3Batch, MoCoV3LearningRate, MoCoV3Options } from './moco-v3-options.js';
import { mocoV3Loss } from './mocov3-loss.js';
import { mocoV3Views } from './views.js';

/**
 * MoCo v3 [0]: for two views x₁, x₂ of every image, queries `q = pred(proj(f(x)))` and keys
 * `k = proj_m(f_m(x))` (no gradient), loss `mocoV3Loss(q₁, q₂, k₁, k₂)`. At the **start** of each
 * step, before the keys are computed, the momentum encoder moves by `θ_m ← m_k·θ_m + (1 − m_k)·θ`,
 * `m_k = 1 − (1 − m₀)(cos(πk/K) + 1)/2` (official `adjust_moco_momentum` with `--moco-m-cos`).
 * Implements `SSLMethod` for `pretrain`.
 *
 * - The momentum encoder is `backbone + projector` (no predictor), a non-trainable deep copy
 *   made at construction; its BN statistics are its own.
 * - Each view goes through the networks on its own (official code); all run in training mode.
 * - The optimiser's variable list is the online trainable weights only.
 * - `exportBackbone()` returns the **online** backbone f, the one MoCo v3 evaluates
 *   (`main_lincls.py` loads `base_encoder`); the momentum copy lags it by design.
 *
 * Ownership: the backbone (and heads you pass) stay yours and are trained in place; `dispose()`
 * frees the default heads, the momentum copies and the optimiser's slots.
 *
 * Porting note: the official code gathers keys across GPUs (negatives from the global batch);
 * here the negatives are the local batch.
 *
 * @throws {ShapeError} when the backbone does not output `[N, d]` or the heads do not chain.
 * @throws {ConfigError} for a base momentum outside [0, 1] or a non-positive `clipGradNorm`.
 * @example
 * ```ts
 * const backbone = createResNet({ depth: 18, inputShape: [64, 64, 1], zeroInitResidual: true });
 * const moco = new MoCoV3({ backbone, hiddenDim: 1024, outputDim: 128 });
 * await pretrain(moco, tensorBatchSource(images), { epochs: 100, batchSize: 128 });
 * const encoder = moco.exportBackbone();
 * ```
 */
export class MoCoV3 implements SSLMethod<MoCoV3Batch> {
  readonly name = 'mocov3';
  readonly backbone: tfl.LayersModel;
  readonly projectionHead: tfl.LayersModel;
  readonly predictionHead: tfl.LayersModel;
  /** The momentum encoder: momentum copies of `[backbone, projectionHead]`. */
  readonly momentumEncoder: MomentumEncoder;
  readonly optimizer: Optimizer;
  readonly baseMomentum: number;
  private readonly loss: NonNullable<MoCoV3Options['loss']>;
  private readonly views: ViewsFn;
  private readonly learningRate: MoCoV3LearningRate | undefined;
  private readonly clipGradNorm: number | undefined;
  private readonly ownsProjector: boolean;
  private readonly ownsPredictor: boolean;
  private readonly rng: Rng;
  private disposed = false;

  constructor(options: MoCoV3Options) {
    const fn = 'MoCoV3';
    const seeds = createRng(options.seed ?? 0);
    const hiddenDim = options.hiddenDim ?? 4096;
    const outputDim = options.outputDim ?? 256;
    this.baseMomentum = options.baseMomentum ?? 0.99;
    checkMomentumAndClip(fn, this.baseMomentum, options.clipGradNorm);
    const temperature = options.temperature ?? 1;
    // Validate the temperature now rather than at the first step.
    if (!options.loss && !(Number.isFinite(temperature) && temperature >= 1e-8)) {
      throw new ConfigError({
        fn,
        problem: 'temperature must be a finite number >= 1e-8',
        got: temperature,
      });
    }
    const networks = buildOnlineNetworks(fn, options, {
      projector: (inputDim) =>
        createMoCoV3ProjectionHead({
          inputDim,
          hiddenDim,
          outputDim,
          seed: seeds.fork('projector').seed(),
        }),
      predictor: (dim) =>
        createMoCoV3PredictionHead({
          inputDim: dim,
          hiddenDim,
          outputDim: dim,
          seed: seeds.fork('predictor').seed(),
        }),
    });
    this.backbone = options.backbone;
    this.projectionHead = networks.projectionHead;
    this.predictionHead = networks.predictionHead;
    this.momentumEncoder = networks.momentum;
    this.ownsProjector = networks.ownsProjector;
    this.ownsPredictor = networks.ownsPredictor;
    this.loss = options.loss ?? ((q1, q2, k1, k2) => mocoV3Loss(q1, q2, k1, k2, { temperature }));
    this.views = options.views ?? mocoV3Views();
    this.optimizer = options.optimizer ?? new LARS({ weightDecay: 1e-6 });
    this.learningRate = options.learningRate;
    this.clipGradNorm = options.clipGradNorm;
    this.rng = seeds.fork('mocov3');
  }

  private check(fn: string): void {
    if (this.disposed) {
      throw new DisposedError({ fn: `MoCoV3.${fn}`, problem: 'the method was disposed' });
    }
  }

  /** m_k of step k: the context's `momentum`, else the cosine schedule from `baseMomentum` to 1. */
  momentumAt(context: Pick<TrainStepContext, 'step' | 'totalSteps' | 'momentum'>): number {
    return (
      context.momentum ?? cosineSchedule(context.step, context.totalSteps, this.baseMomentum, 1)
    );
  }

  /**
   * One step: views (unless given) → momentum update with m_k → keys k₁, k₂ (outside the gradient
   * closure) → queries q₁, q₂ → `mocoV3Loss` → optimiser update of the online weights.
   * Synchronous; `batch` is not disposed. The loss is computed before the optimiser update.
   *
   * Stats: `learningRate`, `momentum` (m_k) and `embeddingStd`, the per-dimension std of the
   * l2-normalised queries q, which the collapse monitor reads (lightly's `std_of_l2_normalized`).
   * Not the projections: the projector ends in an affine-free BN that standardises every
   * dimension over the batch, so their std is ≈ 1/√d by construction.
   *
   * @throws {ShapeError} unless there are exactly two views of the same batch size.
   * @throws {ConfigError} for a momentum outside [0, 1].
   */
  trainStep(batch: MoCoV3Batch, context: TrainStepContext): TrainStepResult {
    this.check('trainStep');
    const given = Array.isArray(batch);
    const views = given
      ? (batch as readonly tf.Tensor4D[])
      : this.views(batch as tf.Tensor4D, context.rng ?? this.rng);
    let keys: tf.Tensor2D[] = [];
    let qKept: tf.Tensor | null = null;
    return withCleanup(
      () => {
        const [x1, x2] = checkTwoViews('MoCoV3.trainStep', views);
        const n = x1.shape[0];
        const lr = this.learningRateAt(context, n);
        const momentum = this.momentumAt(context);
        this.momentumEncoder.update(momentum); // MoCo v3: before the forward pass
        // sg(k): the keys are computed outside the gradient closure, so they are constants there.
        keys = [x1, x2].map((x) => this.momentumEncoder.apply(x) as tf.Tensor2D);
        const params = trainableVariables(this.backbone, this.projectionHead, this.predictionHead);
        const value = minimizeAndReadLoss(
          this.optimizer,
          params,
          () => {
            const [q1, q2] = [x1, x2].map((x) => this.online(x));
            qKept = tf.keep(tf.concat([q1!, q2!], 0));
            return this.loss(q1!, q2!, keys[0]!, keys[1]!);
          },
          { learningRate: lr, weightDecay: context.weightDecay, clipGradNorm: this.clipGradNorm },
        );
        const q = qKept as tf.Tensor | null;
        const std = q ? embeddingStd(q) : Number.NaN;
        const dim = q?.shape[1] ?? 0;
        return {
          loss: value,
          stats: { learningRate: lr, momentum, embeddingStd: std },
          collapse: { std, dim },
        };
      },
      () => {
        tf.dispose(keys);
        if (qKept) (qKept as tf.Tensor).dispose();
        if (!given) tf.dispose(views as tf.Tensor4D[]);
      },
    );
  }

  /** pred(proj(f(x))) in training mode. */
  private online(x: tf.Tensor4D): tf.Tensor2D {
    const h = this.backbone.apply(x, { training: true }) as tf.Tensor;
    const z = this.projectionHead.apply(h, { training: true }) as tf.Tensor;
    return this.predictionHead.apply(z, { training: true }) as tf.Tensor2D;
  }

  private learningRateAt(context: TrainStepContext, batchSize: number): number {
    return methodLearningRate(this.learningRate, context, batchSize, 0.6);
  }

  /** The **online** backbone f (the caller's model, trained in place), without heads. */
  exportBackbone(): tfl.LayersModel {
    this.check('exportBackbone');
    return this.backbone;
  }

  private networks(): Record<string, tfl.LayersModel> {
    return {
      backbone: this.backbone,
      projectionHead: this.projectionHead,
      predictionHead: this.predictionHead,
      momentumBackbone: this.momentumEncoder.networks[0]!,
      momentumProjectionHead: this.momentumEncoder.networks[1]!,
    };
  }

  /**
   * Snapshot of the online and momentum weights (`backbone/i`, `projectionHead/i`,
   * `predictionHead/i`, `momentumBackbone/i`, `momentumProjectionHead/i`), BN statistics
   * included; new tensors owned by the caller.
   */
  getWeights(): Record<string, tf.Tensor> {
    this.check('getWeights');
    return collectWeights(this.networks());
  }

  /** Restores a {@link getWeights} snapshot exactly; inputs are not disposed. */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.check('setWeights');
    assignWeights(this.networks(), weights, 'MoCoV3.setWeights');
  }

  /** Frees the default heads, the momentum copies and the optimiser's slots; the backbone stays yours. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsProjector) this.projectionHead.dispose();
    if (this.ownsPredictor) this.predictionHead.dispose();
    this.momentumEncoder.dispose();
    this.optimizer.dispose();
  }
}
