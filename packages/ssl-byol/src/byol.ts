/**
 * The BYOL method: an online network (backbone f, projector g, predictor q) regresses the
 * projection of a slowly moving target network (momentum copies of f and g) across two views.
 *
 * Reference: [0] BYOL, Grill et al. 2020, https://arxiv.org/abs/2006.07733. Spec `ssl.md` §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  assignWeights,
  buildOnlineNetworks,
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
import { byolLoss } from './byol-loss.js';
import type { BYOLBatch, BYOLLearningRate, BYOLOptions } from './byol-options.js';
import { createBYOLPredictionHead, createBYOLProjectionHead } from './heads.js';
import { byolViews } from './views.js';

/** The online network's projection and prediction of one view. */
interface Online {
  z: tf.Tensor2D;
  p: tf.Tensor2D;
}

/**
 * BYOL [0]: for two views v₁, v₂ of every image,
 * `p = q(g(f(v)))` (online) and `z′ = g_ξ(f_ξ(v))` (target, no gradient), loss
 * `byolLoss(p₁, p₂, z′₁, z′₂)`; after the optimiser step the target moves by
 * `ξ ← τ_k·ξ + (1 − τ_k)·θ`, `τ_k = 1 − (1 − τ_base)(cos(πk/K) + 1)/2` (k = step, K = total).
 * Implements `SSLMethod` for `pretrain`.
 *
 * - The target is `backbone + projector` (no predictor), a non-trainable deep copy made at
 *   construction ({@link MomentumEncoder}); its BN statistics are its own.
 * - Each view goes through the networks on its own, as in the official code, so BN statistics
 *   are per view. Online and target networks run in training mode.
 * - The optimiser's variable list is the online trainable weights only.
 * - `exportBackbone()` returns the **online** backbone f: the network the paper evaluates (the
 *   target is a lagging average of it, used only to make regression targets).
 *
 * Ownership: the backbone (and heads you pass) stay yours and are trained in place; `dispose()`
 * frees the default heads, the target copies and the optimiser's slots.
 *
 * Porting note: the official JAX code initialises the target from a different random seed;
 * we deep-copy the online network, as PyTorch implementations do (spec §2d, §10.9).
 *
 * @throws {ShapeError} when the backbone does not output `[N, d]` or the heads do not chain.
 * @throws {ConfigError} for a base momentum outside [0, 1] or a non-positive `clipGradNorm`.
 * @example
 * ```ts
 * const backbone = createResNet({ depth: 18, inputShape: [64, 64, 1] });
 * const byol = new BYOL({ backbone, hiddenDim: 1024, outputDim: 128 });
 * await pretrain(byol, tensorBatchSource(images), { epochs: 100, batchSize: 128 });
 * const encoder = byol.exportBackbone();
 * ```
 */
export class BYOL implements SSLMethod<BYOLBatch> {
  readonly name = 'byol';
  readonly backbone: tfl.LayersModel;
  readonly projectionHead: tfl.LayersModel;
  readonly predictionHead: tfl.LayersModel;
  /** The target network: momentum copies of `[backbone, projectionHead]`. */
  readonly target: MomentumEncoder;
  readonly optimizer: Optimizer;
  readonly baseMomentum: number;
  private readonly loss: NonNullable<BYOLOptions['loss']>;
  private readonly views: ViewsFn;
  private readonly learningRate: BYOLLearningRate | undefined;
  private readonly clipGradNorm: number | undefined;
  private readonly ownsProjector: boolean;
  private readonly ownsPredictor: boolean;
  private readonly rng: Rng;
  private disposed = false;

  constructor(options: BYOLOptions) {
    const fn = 'BYOL';
    const seeds = createRng(options.seed ?? 0);
    const hiddenDim = options.hiddenDim ?? 4096;
    const outputDim = options.outputDim ?? 256;
    this.baseMomentum = options.baseMomentum ?? 0.996;
    checkMomentumAndClip(fn, this.baseMomentum, options.clipGradNorm);
    const networks = buildOnlineNetworks(fn, options, {
      projector: (inputDim) =>
        createBYOLProjectionHead({
          inputDim,
          hiddenDim,
          outputDim,
          seed: seeds.fork('projector').seed(),
        }),
      predictor: (dim) =>
        createBYOLPredictionHead({
          inputDim: dim,
          hiddenDim,
          outputDim: dim,
          seed: seeds.fork('predictor').seed(),
        }),
    });
    this.backbone = options.backbone;
    this.projectionHead = networks.projectionHead;
    this.predictionHead = networks.predictionHead;
    this.target = networks.momentum;
    this.ownsProjector = networks.ownsProjector;
    this.ownsPredictor = networks.ownsPredictor;
    this.loss = options.loss ?? byolLoss;
    this.views = options.views ?? byolViews();
    this.optimizer = options.optimizer ?? new LARS({ weightDecay: 1.5e-6 });
    this.learningRate = options.learningRate;
    this.clipGradNorm = options.clipGradNorm;
    this.rng = seeds.fork('byol');
  }

  private check(fn: string): void {
    if (this.disposed)
      throw new DisposedError({ fn: `BYOL.${fn}`, problem: 'the method was disposed' });
  }

  /** τ_k of step k: the context's `momentum`, else the cosine schedule from `baseMomentum` to 1. */
  momentumAt(context: Pick<TrainStepContext, 'step' | 'totalSteps' | 'momentum'>): number {
    return (
      context.momentum ?? cosineSchedule(context.step, context.totalSteps, this.baseMomentum, 1)
    );
  }

  /**
   * One step: views (unless given) → target projections z′₁, z′₂ (outside the gradient closure)
   * → online predictions p₁, p₂ → `byolLoss` → optimiser update of the online weights → target
   * EMA with τ_k. Synchronous; `batch` is not disposed. The loss is computed before the update.
   *
   * Stats: `learningRate`, `momentum` (τ_k), `embeddingStd` and `predictionStd` — the
   * per-dimension std of the l2-normalised online projections z and predictions p. The collapse
   * monitor reads z, the projector output, as SimSiam §4.1 (https://arxiv.org/abs/2011.10566)
   * does: early in a run the predictor output concentrates on the mean target direction while it
   * learns, which is not a collapse of the representation.
   *
   * @throws {ShapeError} unless there are exactly two views of the same batch size.
   * @throws {ConfigError} for a momentum outside [0, 1].
   */
  trainStep(batch: BYOLBatch, context: TrainStepContext): TrainStepResult {
    this.check('trainStep');
    const given = Array.isArray(batch);
    const views = given
      ? (batch as readonly tf.Tensor4D[])
      : this.views(batch as tf.Tensor4D, context.rng ?? this.rng);
    let targets: tf.Tensor2D[] = [];
    let kept: tf.Tensor[] = []; // online projections and predictions, for the collapse monitor
    return withCleanup(
      () => {
        const [v1, v2] = checkTwoViews('BYOL.trainStep', views);
        const n = v1.shape[0];
        const lr = this.learningRateAt(context, n);
        const momentum = this.momentumAt(context);
        // sg(z′): the target runs outside the gradient closure, so it is a constant there.
        targets = [v1, v2].map((v) => this.target.apply(v) as tf.Tensor2D);
        const params = trainableVariables(this.backbone, this.projectionHead, this.predictionHead);
        const value = minimizeAndReadLoss(
          this.optimizer,
          params,
          () => {
            const [o1, o2] = [v1, v2].map((v) => this.online(v)) as [Online, Online];
            kept = [tf.concat([o1.z, o2.z], 0), tf.concat([o1.p, o2.p], 0)].map((t) => tf.keep(t));
            return this.loss(o1.p, o2.p, targets[0]!, targets[1]!);
          },
          { learningRate: lr, weightDecay: context.weightDecay, clipGradNorm: this.clipGradNorm },
        );
        this.target.update(momentum); // BYOL: after the optimiser step
        const [z, p] = kept;
        const std = z ? embeddingStd(z) : Number.NaN;
        return {
          loss: value,
          stats: {
            learningRate: lr,
            momentum,
            embeddingStd: std,
            predictionStd: p ? embeddingStd(p) : Number.NaN,
          },
          collapse: { std, dim: z?.shape[1] ?? 0 },
        };
      },
      () => {
        tf.dispose(targets);
        tf.dispose(kept);
        if (!given) tf.dispose(views as tf.Tensor4D[]);
      },
    );
  }

  /** z = g(f(v)) and p = q(z), in training mode. */
  private online(v: tf.Tensor4D): Online {
    const h = this.backbone.apply(v, { training: true }) as tf.Tensor;
    const z = this.projectionHead.apply(h, { training: true }) as tf.Tensor2D;
    return { z, p: this.predictionHead.apply(z, { training: true }) as tf.Tensor2D };
  }

  private learningRateAt(context: TrainStepContext, batchSize: number): number {
    return methodLearningRate(this.learningRate, context, batchSize, 0.2);
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
      targetBackbone: this.target.networks[0]!,
      targetProjectionHead: this.target.networks[1]!,
    };
  }

  /**
   * Snapshot of the online and target weights (`backbone/i`, `projectionHead/i`,
   * `predictionHead/i`, `targetBackbone/i`, `targetProjectionHead/i`), BN statistics included;
   * new tensors owned by the caller.
   */
  getWeights(): Record<string, tf.Tensor> {
    this.check('getWeights');
    return collectWeights(this.networks());
  }

  /** Restores a {@link getWeights} snapshot exactly; inputs are not disposed. */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.check('setWeights');
    assignWeights(this.networks(), weights, 'BYOL.setWeights');
  }

  /** Frees the default heads, the target copies and the optimiser's slots; the backbone stays yours. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsProjector) this.projectionHead.dispose();
    if (this.ownsPredictor) this.predictionHead.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}
