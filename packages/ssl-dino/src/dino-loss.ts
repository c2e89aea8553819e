/**
 * The DINO loss: cross-entropy between the centred, sharpened teacher distribution and the
 * student distribution, over every pair of different views.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (Algorithm 1, §3.1);
 * official `main_dino.DINOLoss`; lightly `DINOLoss`. Spec `ssl.md` §3c.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, stopGradient } from '@tumorxai/core';
import { checkCenter, checkPositive, checkViewList } from './internal/checks.js';

/** Options of {@link dinoLoss}. */
export interface DinoLossOptions {
  /** Student temperature τ_s (default 0.1). */
  studentTemperature?: number;
  /**
   * Teacher temperature τ_t (default 0.04); sharpening. Per epoch it usually comes from
   * {@link teacherTemperatureSchedule}.
   */
  teacherTemperature?: number;
}

/** Number of (teacher view, student view) pairs of different views: `T·S − min(T, S)`. */
export function dinoLossTerms(teacherViews: number, studentViews: number): number {
  return teacherViews * studentViews - Math.min(teacherViews, studentViews);
}

/**
 * DINO loss [0]:
 *
 * ```
 * P_t^i     = sg(softmax((t_i − c) / τ_t))            // teacher view i < T, [B, K]
 * log P_s^j = log_softmax(s_j / τ_s)                  // student view j < S, [B, K]
 * L = 1/n_terms · Σ_i Σ_{j≠i} (1/B) Σ_b −Σ_k P_t^i[b,k] · log P_s^j[b,k]
 * n_terms = T·S − min(T, S)
 * ```
 *
 * Student views `0 … T−1` must be the same crops as the teacher's, in the same order (the pairs
 * `i = j` are skipped); the remaining student views are the local crops. Any `T ≥ 1` works, as in
 * lightly (the official code hard-codes `T = 2`).
 *
 * No gradient reaches `teacherOut` or `center` (stop-gradient), only `studentOut`. Softmax and
 * log-softmax are computed stably, so logits of magnitude 1e3 (1e3/0.04 after sharpening) give a
 * finite loss. The sum over pairs is formed per student view with the mixture of the teacher
 * distributions it is compared with, so memory grows with `S·B·K`, not `T·S·B·K`.
 *
 * Porting note: lightly keeps τ_t in float32 even for float64 inputs (spec §10.3); here every
 * computation is float32, which agrees with the float64 reference to ~1e-6.
 *
 * @param studentOut Student outputs, one `[B, K]` tensor per view (S views). Not disposed.
 * @param teacherOut Teacher outputs of the global views, one `[B, K]` tensor each (T views). Not
 *   disposed.
 * @param center The center `c`, `[K]` (see {@link updateDinoCenter}, {@link DinoCenter}). Not
 *   disposed.
 * @returns The loss, a new scalar owned by the caller.
 * @throws {ShapeError} for missing views or shapes that do not match `[B, K]` / `[K]`.
 * @throws {ConfigError} for non-positive temperatures, or when there is no cross-view term (one
 *   teacher and one student view): DINO needs at least two views.
 * @example
 * ```ts
 * const loss = dinoLoss(studentOut, teacherOut, center, { teacherTemperature: 0.04 });
 * ```
 */
export function dinoLoss(
  studentOut: readonly tf.Tensor2D[],
  teacherOut: readonly tf.Tensor2D[],
  center: tf.Tensor1D,
  options: DinoLossOptions = {},
): tf.Scalar {
  const fn = 'dinoLoss';
  const tauS = checkPositive(fn, 'studentTemperature', options.studentTemperature ?? 0.1);
  const tauT = checkPositive(fn, 'teacherTemperature', options.teacherTemperature ?? 0.04);
  const [batch, k] = checkViewList(fn, 'teacherOut', teacherOut);
  checkViewList(fn, 'studentOut', studentOut, [batch, k]);
  checkCenter(fn, center, k);
  const teachers = teacherOut.length;
  const students = studentOut.length;
  const terms = dinoLossTerms(teachers, students);
  if (terms === 0) {
    throw new ConfigError({
      fn,
      problem:
        'there is no cross-view term: DINO needs at least two views (the pairs of a view with itself are skipped)',
      expected: 'teacher views × student views − min(teacher, student) > 0',
      got: `${teachers} teacher view and ${students} student view`,
      fix: 'Pass the 2 global crops to the teacher and all crops (2 global + n local) to the student',
    });
  }
  return tf.tidy(() => {
    const c = stopGradient(center);
    const pT = teacherOut.map((t) =>
      tf.exp(tf.logSoftmax(tf.div(tf.sub(stopGradient(t), c), tauT))),
    );
    const allTeachers = pT.length === 1 ? pT[0]! : tf.addN(pT);
    const sums = studentOut.map((s, j) => {
      // The teacher views student view j is compared with: every teacher view but view j.
      const others = j < teachers ? pT.filter((_, i) => i !== j) : pT;
      if (others.length === 0) return null;
      const mixture =
        j < teachers ? (others.length === 1 ? others[0]! : tf.addN(others)) : allTeachers;
      return tf.sum(tf.mul(mixture, tf.logSoftmax(tf.div(s, tauS))));
    });
    const total = tf.addN(sums.filter((x): x is tf.Scalar => x !== null));
    return tf.div(tf.neg(total), batch * terms) as tf.Scalar;
  });
}

/**
 * Mean entropy (nats) of the centred, sharpened teacher distributions `softmax((t − c)/τ_t)`
 * over every teacher view and image: `log K` for a uniform collapse, 0 for a one-hot collapse
 * (DINO [0] §5.3, Fig. 7). Reads the value back synchronously; inputs are not disposed.
 *
 * @throws {ShapeError} / {ConfigError} as {@link dinoLoss}.
 * @example
 * ```ts
 * const h = dinoTeacherEntropy(teacherOut, center, 0.04); // in [0, log K]
 * ```
 */
export function dinoTeacherEntropy(
  teacherOut: readonly tf.Tensor2D[],
  center: tf.Tensor1D,
  teacherTemperature: number,
): number {
  const fn = 'dinoTeacherEntropy';
  const tauT = checkPositive(fn, 'teacherTemperature', teacherTemperature);
  const [, k] = checkViewList(fn, 'teacherOut', teacherOut);
  checkCenter(fn, center, k);
  const value = tf.tidy(() => {
    const logP = tf.logSoftmax(
      tf.div(tf.sub(tf.concat(teacherOut as tf.Tensor2D[], 0), center), tauT),
    );
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logP), logP), 1)));
  });
  const out = value.dataSync()[0]!;
  value.dispose();
  return out;
}
