/**
 * The SimCLR method: two views of every image through one backbone and projection head,
 * NT-Xent between the projections.
 *
 * Reference: [0] SimCLR, Chen et al. 2020, https://arxiv.org/abs/2002.05709. Spec §1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  assignWeights,
  ConfigError,
  collectWeights,
  createRng,
  DisposedError,
  embeddingStd,
  LARS,
  minimizeAndReadLoss,
  type Optimizer,
  type Rng,
  ShapeError,
  type SSLMethod,
  type TrainStepContext,
  type TrainStepResult,
  trainableVariables,
  type ViewsFn,
  withCleanup,
} from '@tumorxai/core';
import { ntXentLoss } from './nt-xent-loss.js';
import { createSimCLRProjectionHead } from './projection-head.js';
import {
  defaultLearningRate,
  type SimCLRBatch,
  type SimCLRLearningRate,
  type SimCLROptions,
} from './simclr-options.js';
import { simclrViews } from './views.js';

/**
 * SimCLR [0]: `z = g(f(v))` for two views `v₁, v₂` of every image, loss `ntXentLoss(z₁, z₂)`.
 * Both views go through the backbone as one batch of 2N (as the official code: BN statistics
 * over both views). Implements `SSLMethod` for `pretrain`.
 *
 * Ownership: the backbone (and a projection head you pass) stay yours and are trained in place;
 * `dispose()` frees the default head and the optimiser's slots.
 *
 * `exportBackbone()` returns the backbone f without the head — the network to evaluate (linear
 * probe and k-NN use h = f(x), spec §1b).
 *
 * Porting note: lightly runs the two views through the model separately (BN statistics per
 * view); we follow the official TF code (one forward over both).
 *
 * @throws {ShapeError} when the backbone does not output `[N, d]` features.
 * @example
 * ```ts
 * const backbone = createResNet({ depth: 18, inputShape: [64, 64, 1] });
 * const simclr = new SimCLR({ backbone, temperature: 0.2 });
 * await pretrain(simclr, tensorBatchSource(images), { epochs: 100, batchSize: 128 });
 * const encoder = simclr.exportBackbone();
 * ```
 */
export class SimCLR implements SSLMethod<SimCLRBatch> {
  readonly name = 'simclr';
  readonly backbone: tfl.LayersModel;
  readonly projectionHead: tfl.LayersModel;
  readonly optimizer: Optimizer;
  private readonly loss: (z1: tf.Tensor2D, z2: tf.Tensor2D) => tf.Scalar;
  private readonly views: ViewsFn;
  private readonly learningRate: SimCLRLearningRate;
  private readonly clipGradNorm: number | undefined;
  private readonly ownsHead: boolean;
  private readonly rng: Rng;
  private disposed = false;

  constructor(options: SimCLROptions) {
    const { backbone } = options;
    const outShape = backbone?.outputs?.[0]?.shape;
    if (outShape?.length !== 2 || typeof outShape[1] !== 'number') {
      throw new ShapeError({
        fn: 'SimCLR',
        problem: 'the backbone must output features [N, d]',
        got: outShape ? `output shape ${JSON.stringify(outShape)}` : 'no model',
        fix: 'End the backbone in global average pooling, e.g. createResNet({ depth: 50, includeTop: false })',
      });
    }
    const dim = outShape[1];
    const seed = options.seed ?? 0;
    this.backbone = backbone;
    this.ownsHead = !options.projectionHead;
    this.projectionHead =
      options.projectionHead ?? createSimCLRProjectionHead({ inputDim: dim, hiddenDim: dim, seed });
    const headIn = this.projectionHead.inputs[0]?.shape;
    if (headIn?.[1] !== dim) {
      throw new ShapeError({
        fn: 'SimCLR',
        problem: 'the projection head does not take the backbone features',
        expected: `input [N, ${dim}]`,
        got: JSON.stringify(headIn),
      });
    }
    const temperature = options.temperature ?? 0.5;
    this.loss = options.loss ?? ((z1, z2) => ntXentLoss(z1, z2, { temperature }));
    this.views = options.views ?? simclrViews();
    this.optimizer = options.optimizer ?? new LARS({ weightDecay: 1e-6 });
    this.learningRate = options.learningRate ?? defaultLearningRate;
    this.clipGradNorm = options.clipGradNorm;
    this.rng = createRng(seed).fork('simclr');
    if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0)) {
      throw new ConfigError({
        fn: 'SimCLR',
        problem: 'clipGradNorm must be positive',
        got: options.clipGradNorm,
      });
    }
  }

  private check(fn: string): void {
    if (this.disposed)
      throw new DisposedError({ fn: `SimCLR.${fn}`, problem: 'the method was disposed' });
  }

  /**
   * One step: views (unless given) → f, g on both views as one batch → NT-Xent → LARS update of
   * the backbone and head. Synchronous; `batch` is not disposed.
   *
   * @throws {ShapeError} when two given views differ in batch size.
   */
  trainStep(batch: SimCLRBatch, context: TrainStepContext): TrainStepResult {
    this.check('trainStep');
    const given = Array.isArray(batch);
    const views = given
      ? (batch as readonly tf.Tensor4D[])
      : this.views(batch as tf.Tensor4D, context.rng ?? this.rng);
    let zKept: tf.Tensor | null = null;
    return withCleanup(
      () => {
        if (views.length !== 2 || views[0]!.shape[0] !== views[1]!.shape[0]) {
          throw new ShapeError({
            fn: 'SimCLR.trainStep',
            problem: 'SimCLR needs exactly two views of the same batch size',
            got: views.map((v) => JSON.stringify(v.shape)).join(' and '),
          });
        }
        const n = views[0]!.shape[0];
        const lr = context.learningRate ?? this.learningRateAt(context.step, context.totalSteps, n);
        const params = trainableVariables(this.backbone, this.projectionHead);
        const value = minimizeAndReadLoss(
          this.optimizer,
          params,
          () => {
            const x = tf.concat([views[0]!, views[1]!], 0);
            const h = this.backbone.apply(x, { training: true }) as tf.Tensor;
            const z = this.projectionHead.apply(h, { training: true }) as tf.Tensor2D;
            zKept = tf.keep(z);
            const [z1, z2] = tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
            return this.loss(z1, z2);
          },
          { learningRate: lr, weightDecay: context.weightDecay, clipGradNorm: this.clipGradNorm },
        );
        const z = zKept as tf.Tensor | null;
        const std = z ? embeddingStd(z) : Number.NaN;
        const dim = z?.shape[1] ?? 0;
        return {
          loss: value,
          stats: { learningRate: lr, embeddingStd: std },
          collapse: { std, dim },
        };
      },
      () => {
        if (zKept) (zKept as tf.Tensor).dispose();
        if (!given) tf.dispose(views as tf.Tensor4D[]);
      },
    );
  }

  private learningRateAt(step: number, totalSteps: number, batchSize: number): number {
    const lr = this.learningRate;
    return typeof lr === 'number' ? lr : lr(step, totalSteps, batchSize);
  }

  /** The backbone f (the caller's model, trained in place), without the projection head. */
  exportBackbone(): tfl.LayersModel {
    this.check('exportBackbone');
    return this.backbone;
  }

  /** Snapshot of the backbone and head weights (`backbone/i`, `projectionHead/i`), caller-owned. */
  getWeights(): Record<string, tf.Tensor> {
    this.check('getWeights');
    return collectWeights({ backbone: this.backbone, projectionHead: this.projectionHead });
  }

  /** Restores a {@link getWeights} snapshot exactly; inputs are not disposed. */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.check('setWeights');
    assignWeights(
      { backbone: this.backbone, projectionHead: this.projectionHead },
      weights,
      'SimCLR.setWeights',
    );
  }

  /** Frees the default projection head and the optimiser's slots; the backbone stays yours. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsHead) this.projectionHead.dispose();
    this.optimizer.dispose();
  }
}
