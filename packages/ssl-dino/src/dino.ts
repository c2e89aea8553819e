/**
 * The DINO method: self-distillation with no labels, a student trained to match an EMA teacher
 * across multi-crop views.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (Algorithm 1).
 * Spec `ssl.md` §3.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  assignWeights,
  collectWeights,
  createRng,
  DisposedError,
  MomentumEncoder,
  type Optimizer,
  type Rng,
  SGD,
  ShapeError,
  type SSLMethod,
  type TrainStepContext,
  type TrainStepResult,
  type ViewsFn,
  withCleanup,
} from '@tumorxai/core';
import { DinoCenter } from './dino-center.js';
import { dinoLoss } from './dino-loss.js';
import {
  checkDINOOptions,
  type DINOBatch,
  type DINOLearningRate,
  type DINOOptions,
  defaultLearningRate,
  defaultMomentum,
  resolveHead,
} from './dino-options.js';
import { checkDinoViews, type DinoStepParts, runDinoStep } from './dino-step.js';
import { checkCenter } from './internal/checks.js';
import { dinoViews } from './views.js';

/**
 * DINO [0]. Per step:
 *
 * 1. views `[global₁, global₂, local₁ …]` (default {@link dinoViews});
 * 2. teacher (backbone + head copies, no gradient) on the global crops → `t`;
 * 3. student on **all** crops — the backbone runs once per resolution group (the globals
 *    together, the locals together), the head once on all features → `s`;
 * 4. `dinoLoss(s, t, center, τ_s, τ_t(epoch))` (τ_t 0.04 by default), gradients of the student
 *    only, clipped per parameter to 3.0, the head's last layer frozen while
 *    `epoch < freezeLastLayerEpochs`; SGD update;
 * 5. teacher EMA `θ_t ← m θ_t + (1 − m) θ_s` with m cosine 0.996 → 1 (after the step; the start
 *    is lowered on runs under 2,500 steps, see `DINOOptions.momentum`), then the center
 *    update from this step's `t`.
 *
 * The teacher starts as a copy of the student ({@link MomentumEncoder}: non-trainable, runs in
 * training mode, its BN statistics are its own). Implements `SSLMethod` for `pretrain`; the
 * checkpoint (`getWeights`) holds student, teacher, center and the last teacher temperature.
 *
 * **`exportBackbone()` returns the teacher backbone**, not the student: DINO evaluates the teacher
 * (k-NN and linear probe in the paper and `eval_knn.py` use `teacher_backbone`), which is an
 * ensemble of past students and performs better [0, §5.2 "teacher outperforms the student"].
 *
 * Ownership: the backbone (and a head you pass) stay yours and the student is trained in place;
 * `dispose()` frees the teacher, the center, the default head and the optimiser's slots — except
 * an exported teacher backbone, which becomes yours.
 *
 * @throws {ShapeError} when the backbone does not output `[N, d]` or the head does not take it.
 * @throws {ConfigError} for invalid options.
 * @example
 * ```ts
 * const backbone = createResNet({ depth: 18, inputShape: [null, null, 1] });
 * const dino = new DINO({ backbone, headOptions: { outputDim: 4096 } });
 * await pretrain(dino, tensorBatchSource(images), { epochs: 100, batchSize: 64 });
 * const encoder = dino.exportBackbone(); // the teacher backbone
 * ```
 */
export class DINO implements SSLMethod<DINOBatch> {
  readonly name = 'dino';
  /** The student backbone (the caller's). */
  readonly backbone: tfl.LayersModel;
  /** The student head. */
  readonly head: tfl.LayersModel;
  /** The teacher: copies of `[backbone, head]` updated by EMA. */
  readonly teacher: MomentumEncoder;
  /** The center of the teacher outputs. */
  readonly center: DinoCenter;
  readonly optimizer: Optimizer;
  private readonly views: ViewsFn;
  private readonly teacherTemperature: (epoch: number) => number;
  private readonly momentum: number | ((step: number, totalSteps: number) => number);
  private readonly learningRate: DINOLearningRate;
  private readonly ownsHead: boolean;
  private readonly rng: Rng;
  private readonly parts: DinoStepParts;
  private lastTeacherTemperature = Number.NaN;
  private exported = false;
  private disposed = false;

  constructor(options: DINOOptions) {
    checkDINOOptions(options);
    const seed = options.seed ?? 0;
    const { head, ownsHead, outputDim } = resolveHead(options, seed);
    this.backbone = options.backbone;
    this.head = head;
    this.ownsHead = ownsHead;
    this.teacher = new MomentumEncoder([this.backbone, head]);
    this.center = new DinoCenter(outputDim, { momentum: options.centerMomentum ?? 0.9 });
    this.optimizer = options.optimizer ?? new SGD({ momentum: 0.9, weightDecay: 1e-4 });
    this.views = options.views ?? dinoViews();
    // Porting note: the code's default and RN50 recipe, not the paper's ViT 0.04 → 0.07 (README).
    const tauT = options.teacherTemperature ?? 0.04;
    this.teacherTemperature = typeof tauT === 'number' ? () => tauT : tauT;
    this.momentum = options.momentum ?? defaultMomentum;
    this.learningRate = options.learningRate ?? defaultLearningRate;
    this.rng = createRng(seed).fork('dino');
    this.parts = {
      backbone: this.backbone,
      head,
      teacher: this.teacher,
      center: this.center,
      optimizer: this.optimizer,
      loss: options.loss ?? dinoLoss,
      globalViews: options.globalViews ?? 2,
      studentTemperature: options.studentTemperature ?? 0.1,
      clipGradNorm: options.clipGradNorm === undefined ? 3 : options.clipGradNorm,
      freezeLastLayerEpochs: options.freezeLastLayerEpochs ?? 1,
    };
  }

  private check(fn: string): void {
    if (this.disposed)
      throw new DisposedError({ fn: `DINO.${fn}`, problem: 'the method was disposed' });
  }

  /**
   * One step (see the class description). Synchronous; `batch` is not disposed. The epoch is
   * `context.epoch`, else `⌊step / stepsPerEpoch⌋`, else 0.
   *
   * @throws {ConfigError} with fewer than two views; {ShapeError} for views of different batch
   *   sizes.
   */
  trainStep(batch: DINOBatch, context: TrainStepContext): TrainStepResult {
    this.check('trainStep');
    const given = Array.isArray(batch);
    const views = given
      ? (batch as readonly tf.Tensor4D[])
      : this.views(batch as tf.Tensor4D, context.rng ?? this.rng);
    return withCleanup(
      () => {
        checkDinoViews(views, this.parts.globalViews);
        const { step, totalSteps } = context;
        const epoch =
          context.epoch ?? (context.stepsPerEpoch ? Math.floor(step / context.stepsPerEpoch) : 0);
        const learningRate =
          context.learningRate ?? this.learningRateAt(step, totalSteps, views[0]!.shape[0]);
        const momentum =
          context.momentum ??
          (typeof this.momentum === 'number' ? this.momentum : this.momentum(step, totalSteps));
        const teacherTemperature = this.teacherTemperature(epoch);
        const outcome = runDinoStep(this.parts, views, {
          epoch,
          learningRate,
          weightDecay: context.weightDecay,
          momentum,
          teacherTemperature,
        });
        this.lastTeacherTemperature = teacherTemperature;
        return {
          loss: outcome.loss,
          stats: {
            learningRate,
            momentum,
            teacherTemperature,
            teacherEntropy: outcome.teacherEntropy,
            embeddingStd: outcome.std,
            lastLayerFrozen: outcome.lastLayerFrozen ? 1 : 0,
          },
          collapse: { std: outcome.std, dim: outcome.dim },
        };
      },
      () => {
        if (!given) tf.dispose(views as tf.Tensor4D[]);
      },
    );
  }

  private learningRateAt(step: number, totalSteps: number, batchSize: number): number {
    const lr = this.learningRate;
    return typeof lr === 'number' ? lr : lr(step, totalSteps, batchSize);
  }

  /**
   * The **teacher** backbone, the network DINO evaluates (see the class description), with
   * `trainable` set to true so that it fine-tunes like any model. From the first call it is
   * yours: `dispose()` no longer frees it. Training on afterwards keeps updating it (EMA).
   */
  exportBackbone(): tfl.LayersModel {
    this.check('exportBackbone');
    const model = this.teacher.networks[0]!;
    model.trainable = true;
    this.exported = true;
    return model;
  }

  private networks(): Record<string, tfl.LayersModel> {
    const [teacherBackbone, teacherHead] = this.teacher.networks as [
      tfl.LayersModel,
      tfl.LayersModel,
    ];
    return { backbone: this.backbone, head: this.head, teacherBackbone, teacherHead };
  }

  /**
   * Snapshot for checkpoints, caller-owned: `backbone/i`, `head/i` (student), `teacherBackbone/i`,
   * `teacherHead/i` (BN statistics included), `center` `[K]` and `teacherTemperature` (the value
   * used at the last step; the schedule itself is a function of the epoch).
   */
  getWeights(): Record<string, tf.Tensor> {
    this.check('getWeights');
    const weights = collectWeights(this.networks());
    weights.center = this.center.getState();
    weights.teacherTemperature = tf.scalar(this.lastTeacherTemperature);
    return weights;
  }

  /**
   * Restores a {@link getWeights} snapshot exactly; inputs are not disposed.
   *
   * @throws {ShapeError} naming the first missing or mismatched entry.
   */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.check('setWeights');
    const center = weights.center;
    if (!center) {
      throw new ShapeError({
        fn: 'DINO.setWeights',
        problem: 'the weights have no "center" entry',
        fix: 'Pass a snapshot from DINO.getWeights',
      });
    }
    checkCenter('DINO.setWeights', center, this.center.dim); // validate before writing anything
    assignWeights(this.networks(), weights, 'DINO.setWeights');
    this.center.setState(center);
    const tau = weights.teacherTemperature;
    this.lastTeacherTemperature = tau ? tau.dataSync()[0]! : Number.NaN;
  }

  /** Frees the teacher (but an exported backbone), the center, the default head and the slots. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.exported) this.teacher.networks[1]!.dispose();
    else this.teacher.dispose();
    this.center.dispose();
    if (this.ownsHead) this.head.dispose();
    this.optimizer.dispose();
  }
}
