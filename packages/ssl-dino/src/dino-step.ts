/**
 * The inside of one DINO step, on ready-made views: teacher forward, student forward and update,
 * teacher EMA, center update (DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294,
 * Algorithm 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  embeddingStd,
  type MomentumEncoder,
  minimizeAndReadLoss,
  type Optimizer,
  ShapeError,
  trainableVariables,
} from '@tumorxai/core';
import type { DinoCenter } from './dino-center.js';
import { cancelLastLayerGradients } from './dino-head.js';
import { dinoLossTerms, dinoTeacherEntropy } from './dino-loss.js';
import type { DINOLossFn } from './dino-options.js';
import { forwardByResolution } from './multi-resolution.js';

/** The networks, state and fixed settings a step works on (all owned by `DINO`). */
export interface DinoStepParts {
  backbone: tfl.LayersModel;
  head: tfl.LayersModel;
  teacher: MomentumEncoder;
  center: DinoCenter;
  optimizer: Optimizer;
  loss: DINOLossFn;
  globalViews: number;
  studentTemperature: number;
  clipGradNorm: number | null;
  freezeLastLayerEpochs: number;
}

/** The scheduled values of a step. */
export interface DinoStepSchedule {
  epoch: number;
  learningRate: number;
  weightDecay: number | undefined;
  momentum: number;
  teacherTemperature: number;
}

/** What a step measured. */
export interface DinoStepOutcome {
  loss: number;
  teacherEntropy: number;
  /** `embeddingStd` of the teacher outputs `[T·N, K]`, and K. */
  std: number;
  dim: number;
  lastLayerFrozen: boolean;
}

/**
 * Checks the views of a step: at least one cross-view pair, the first `globalViews` global, every
 * view `[N, h, w, C]` with the same N.
 */
export function checkDinoViews(views: readonly tf.Tensor4D[], globalViews: number): void {
  const fn = 'DINO.trainStep';
  if (views.length < globalViews || dinoLossTerms(globalViews, views.length) === 0) {
    throw new ConfigError({
      fn,
      problem: `DINO needs at least two views, the first ${globalViews} of them global crops`,
      expected: `at least ${Math.max(globalViews, 2)} views`,
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
 * One DINO step on checked views: the teacher (no gradient) on the global views; the student on
 * all views inside the gradient closure; the loss with the **old** center; per-parameter
 * clipping and the frozen last layer; the optimiser update; then the teacher EMA and the center
 * update from this step's teacher outputs. Views are not disposed; nothing else is kept.
 */
export function runDinoStep(
  parts: DinoStepParts,
  views: readonly tf.Tensor4D[],
  schedule: DinoStepSchedule,
): DinoStepOutcome {
  const { backbone, head, teacher, center } = parts;
  const globals = views.slice(0, parts.globalViews);
  const [teacherBackbone, teacherHead] = teacher.networks as [tfl.LayersModel, tfl.LayersModel];
  const teacherOut = tf.tidy(() =>
    tf.split(forwardByResolution(teacherBackbone, teacherHead, globals), globals.length, 0),
  ) as tf.Tensor2D[];
  try {
    const params = trainableVariables(backbone, head);
    const { epoch, teacherTemperature } = schedule;
    const frozen = epoch < parts.freezeLastLayerEpochs;
    const value = minimizeAndReadLoss(
      parts.optimizer,
      params,
      () => {
        const out = forwardByResolution(backbone, head, views);
        const studentOut = tf.split(out, views.length, 0) as tf.Tensor2D[];
        return parts.loss(studentOut, teacherOut, center.value, {
          studentTemperature: parts.studentTemperature,
          teacherTemperature,
        });
      },
      {
        learningRate: schedule.learningRate,
        weightDecay: schedule.weightDecay,
        clipGradNorm: parts.clipGradNorm ?? undefined,
        clipMode: 'per-parameter',
        transformGradients: frozen
          ? (g, p) =>
              cancelLastLayerGradients(head, p, g, {
                epoch,
                freezeLastLayerEpochs: parts.freezeLastLayerEpochs,
              })
          : undefined,
      },
    );
    const teacherEntropy = dinoTeacherEntropy(teacherOut, center.value, teacherTemperature);
    const all = tf.concat(teacherOut, 0);
    const std = embeddingStd(all);
    const dim = all.shape[1];
    all.dispose();
    teacher.update(schedule.momentum);
    center.update(teacherOut);
    return { loss: value, teacherEntropy, std, dim, lastLayerFrozen: frozen };
  } finally {
    tf.dispose(teacherOut);
  }
}
