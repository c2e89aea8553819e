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
  ConfigError,
  collectWeights,
  createRng,
  DisposedError,
  embeddingStd,
  MomentumEncoder,
  minimize,
  type Optimizer,
  type Rng,
  SGD,
  ShapeError,
  type SSLMethod,
  type TrainStepContext,
  type TrainStepResult,
  type ViewsFn,
} from '@tumorxai/core';
import { DinoCenter } from './dino-center.js';
import { cancelLastLayerGradients, createDINOHead } from './dino-head.js';
import { dinoLoss, dinoLossTerms, dinoTeacherEntropy } from './dino-loss.js';
import {
  checkDINOOptions,
  type DINOBatch,
  type DINOLearningRate,
  type DINOLossFn,
  type DINOOptions,
  defaultLearningRate,
  defaultMomentum,
} from './dino-options.js';
import { checkCenter } from './internal/checks.js';
import { forwardByResolution } from './multi-resolution.js';
import { teacherTemperatureSchedule } from './teacher-temperature.js';
import { dinoViews } from './views.js';

/**
 * DINO [0]. Per step:
 *
 * 1. views `[global₁, global₂, local₁ …]` (default {@link dinoViews});
 * 2. teacher (backbone + head copies, no gradient) on the global crops → `t`;
 * 3. student on **all** crops — the backbone runs once per resolution group (the globals
 *    together, the locals together), the head once on all features → `s`;
 * 4. `dinoLoss(s, t, center, τ_s, τ_t(epoch))`, gradients of the student only, clipped per
 *    parameter to 3.0, the head's last layer frozen while `epoch < freezeLastLayerEpochs`;
 *    SGD update;
 * 5. teacher EMA `θ_t ← m θ_t + (1 − m) θ_s` with m cosine 0.996 → 1 (after the step), then the
 *    center update from this step's `t`.
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
  private readonly globalViews: number;
  private readonly loss: DINOLossFn;
  private readonly studentTemperature: number;
  private readonly teacherTemperature: (epoch: number) => number;
  private readonly momentum: number | ((step: number, totalSteps: number) => number);
  private readonly learningRate: DINOLearningRate;
  private readonly clipGradNorm: number | null;
  private readonly freezeLastLayerEpochs: number;
  private readonly ownsHead: boolean;
  private readonly rng: Rng;
  private lastTeacherTemperature = Number.NaN;
  private exported = false;
  private disposed = false;

  constructor(options: DINOOptions) {
    checkDINOOptions(options);
    const { backbone } = options;
    const outShape = backbone?.outputs?.[0]?.shape;
    if (outShape?.length !== 2 || typeof outShape[1] !== 'number') {
      throw new ShapeError({
        fn: 'DINO',
        problem: 'the backbone must output features [N, d]',
        got: outShape ? `output shape ${JSON.stringify(outShape)}` : 'no model',
        fix: 'End the backbone in global average pooling, e.g. createResNet({ depth: 50, inputShape: [null, null, 1] })',
      });
    }
    const dim = outShape[1];
    const seed = options.seed ?? 0;
    this.ownsHead = !options.head;
    const head = options.head ?? createDINOHead({ ...options.headOptions, inputDim: dim, seed });
    const headIn = head.inputs[0]?.shape;
    const headOut = head.outputs[0]?.shape;
    if (headIn?.[1] !== dim || headOut?.length !== 2 || typeof headOut[1] !== 'number') {
      if (this.ownsHead) head.dispose();
      throw new ShapeError({
        fn: 'DINO',
        problem: 'the head must map the backbone features [N, d] to logits [N, K]',
        expected: `input [N, ${dim}], output [N, K]`,
        got: `input ${JSON.stringify(headIn)}, output ${JSON.stringify(headOut)}`,
      });
    }
    this.backbone = backbone;
    this.head = head;
    this.teacher = new MomentumEncoder([backbone, head]);
    this.center = new DinoCenter(headOut[1], { momentum: options.centerMomentum ?? 0.9 });
    this.views = options.views ?? dinoViews();
    this.globalViews = options.globalViews ?? 2;
    this.loss = options.loss ?? dinoLoss;
    this.studentTemperature = options.studentTemperature ?? 0.1;
    const tauT = options.teacherTemperature ?? teacherTemperatureSchedule();
    this.teacherTemperature = typeof tauT === 'number' ? () => tauT : tauT;
    this.momentum = options.momentum ?? defaultMomentum;
    this.optimizer = options.optimizer ?? new SGD({ momentum: 0.9, weightDecay: 1e-4 });
    this.learningRate = options.learningRate ?? defaultLearningRate;
    this.clipGradNorm = options.clipGradNorm === undefined ? 3 : options.clipGradNorm;
    this.freezeLastLayerEpochs = options.freezeLastLayerEpochs ?? 1;
    this.rng = createRng(seed).fork('dino');
  }

  private check(fn: string): void {
    if (this.disposed)
      throw new DisposedError({ fn: `DINO.${fn}`, problem: 'the method was disposed' });
  }

  private checkViews(views: readonly tf.Tensor4D[]): void {
    const fn = 'DINO.trainStep';
    const t = this.globalViews;
    if (views.length < t || dinoLossTerms(t, views.length) === 0) {
      throw new ConfigError({
        fn,
        problem: `DINO needs at least two views, the first ${t} of them global crops`,
        expected: `at least ${Math.max(t, 2)} views`,
        got: views.length,
        fix: 'Use dinoViews() (2 global + n local crops) or pass [global1, global2, ...locals]',
      });
    }
    const n = views[0]?.shape[0];
    views.forEach((v, i) => {
      if (!(v instanceof tf.Tensor) || v.rank !== 4 || v.shape[0] !== n) {
        throw new ShapeError({
          fn,
          problem: `view ${i} must be an image batch [N, h, w, C] with the batch size of view 0`,
          expected: `[${n}, h, w, C]`,
          got: v instanceof tf.Tensor ? JSON.stringify(v.shape) : typeof v,
        });
      }
    });
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
    let teacherOut: tf.Tensor2D[] = [];
    try {
      this.checkViews(views);
      const { step, totalSteps } = context;
      const n = views[0]!.shape[0];
      const epoch =
        context.epoch ?? (context.stepsPerEpoch ? Math.floor(step / context.stepsPerEpoch) : 0);
      const lr = context.learningRate ?? this.learningRateAt(step, totalSteps, n);
      const momentum =
        context.momentum ??
        (typeof this.momentum === 'number' ? this.momentum : this.momentum(step, totalSteps));
      const teacherTemperature = this.teacherTemperature(epoch);
      const globals = views.slice(0, this.globalViews);
      const [teacherBackbone, teacherHead] = this.teacher.networks as [
        tfl.LayersModel,
        tfl.LayersModel,
      ];
      teacherOut = tf.tidy(() =>
        tf.split(forwardByResolution(teacherBackbone, teacherHead, globals), globals.length, 0),
      ) as tf.Tensor2D[];
      const params = [...this.backbone.trainableWeights, ...this.head.trainableWeights].map(
        (w) => w.read() as tf.Variable,
      );
      const frozen = epoch < this.freezeLastLayerEpochs;
      const loss = tf.tidy(() =>
        minimize(
          this.optimizer,
          params,
          () => {
            const out = forwardByResolution(this.backbone, this.head, views);
            const studentOut = tf.split(out, views.length, 0) as tf.Tensor2D[];
            return this.loss(studentOut, teacherOut, this.center.value, {
              studentTemperature: this.studentTemperature,
              teacherTemperature,
            });
          },
          {
            learningRate: lr,
            weightDecay: context.weightDecay,
            clipGradNorm: this.clipGradNorm ?? undefined,
            clipMode: 'per-parameter',
            transformGradients: frozen
              ? (g, p) =>
                  cancelLastLayerGradients(this.head, p, g, {
                    epoch,
                    freezeLastLayerEpochs: this.freezeLastLayerEpochs,
                  })
              : undefined,
          },
        ),
      );
      const value = loss.dataSync()[0]!;
      loss.dispose();
      const teacherEntropy = dinoTeacherEntropy(teacherOut, this.center.value, teacherTemperature);
      const all = tf.concat(teacherOut, 0);
      const std = embeddingStd(all);
      const dim = all.shape[1];
      all.dispose();
      this.teacher.update(momentum);
      this.center.update(teacherOut);
      this.lastTeacherTemperature = teacherTemperature;
      return {
        loss: value,
        stats: {
          learningRate: lr,
          momentum,
          teacherTemperature,
          teacherEntropy,
          embeddingStd: std,
          lastLayerFrozen: frozen ? 1 : 0,
        },
        collapse: { std, dim },
      };
    } finally {
      tf.dispose(teacherOut);
      if (!given) tf.dispose(views as tf.Tensor4D[]);
    }
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
