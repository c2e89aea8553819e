/**
 * Classification metrics from a confusion matrix, with scikit-learn's definitions
 * (`precision_recall_fscore_support`, `balanced_accuracy_score`, `cohen_kappa_score`).
 *
 * Decision (zero division): a class that is never predicted has precision 0, one with no true
 * samples has recall 0, and F1 is 0 when precision + recall = 0 — scikit-learn's
 * `zero_division=0`. Classes with no true samples are still included in the macro average (as
 * scikit-learn does when `labels` lists every class), so a test set that lacks a class lowers
 * macro scores; `support` shows it.
 */
import { confusionMatrix, type Labels } from './confusion.js';

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  classId: number;
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples of this class. */
  support: number;
}

/** Averages over classes. */
export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

/** Everything {@link classificationReport} computes. */
export interface ClassificationReport {
  n: number;
  accuracy: number;
  /** Mean per-class recall over classes that have samples (scikit-learn `balanced_accuracy_score`). */
  balancedAccuracy: number;
  /** Unweighted mean over all classes. */
  macro: AveragedScores;
  /** Mean weighted by support. */
  weighted: AveragedScores;
  /** Cohen's κ = (p_o − p_e)/(1 − p_e). */
  kappa: number;
  perClass: ClassScores[];
  /** Rows: true class, columns: predicted class. */
  confusion: number[][];
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  numClasses: number;
  /** Names used in `perClass` (default `class 0`, `class 1`, …). */
  classNames?: readonly string[];
}

const safeDiv = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Cohen's κ of a confusion matrix; 1 for perfect agreement, 0 for chance, 0 when p_e = 1. */
export function cohenKappa(confusion: number[][]): number {
  const k = confusion.length;
  let n = 0;
  let agree = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = confusion[t]![p]!;
      n += c;
      rows[t]! += c;
      cols[p]! += c;
      if (t === p) agree += c;
    }
  }
  const po = agree / n;
  let pe = 0;
  for (let i = 0; i < k; i++) pe += (rows[i]! * cols[i]!) / (n * n);
  return pe === 1 ? 0 : (po - pe) / (1 - pe);
}

/** All metrics from a confusion matrix (see {@link classificationReport}). */
export function reportFromConfusion(
  confusion: number[][],
  classNames?: readonly string[],
): ClassificationReport {
  const k = confusion.length;
  const perClass: ClassScores[] = [];
  let n = 0;
  let correct = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    for (let j = 0; j < k; j++) {
      predicted += confusion[j]![c]!;
      support += confusion[c]![j]!;
    }
    tp = confusion[c]![c]!;
    n += support;
    correct += tp;
    const precision = safeDiv(tp, predicted);
    const recall = safeDiv(tp, support);
    const f1 = safeDiv(2 * precision * recall, precision + recall);
    perClass.push({
      classId: c,
      name: classNames?.[c] ?? `class ${c}`,
      precision,
      recall,
      f1,
      support,
    });
  }
  const mean = (key: keyof AveragedScores) => perClass.reduce((s, c) => s + c[key], 0) / k;
  const weightedMean = (key: keyof AveragedScores) =>
    safeDiv(
      perClass.reduce((s, c) => s + c[key] * c.support, 0),
      n,
    );
  const present = perClass.filter((c) => c.support > 0);
  return {
    n,
    accuracy: safeDiv(correct, n),
    balancedAccuracy: safeDiv(
      present.reduce((s, c) => s + c.recall, 0),
      present.length,
    ),
    macro: { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') },
    weighted: {
      precision: weightedMean('precision'),
      recall: weightedMean('recall'),
      f1: weightedMean('f1'),
    },
    kappa: cohenKappa(confusion),
    perClass,
    confusion,
  };
}

/**
 * Accuracy, balanced accuracy, macro and weighted precision / recall / F1, Cohen's κ, per-class
 * scores and the confusion matrix of integer predictions.
 *
 * @throws {ShapeError} for mismatched lengths or invalid class ids.
 * @example
 * ```ts
 * const r = classificationReport(yTrue, yPred, { numClasses: 17, classNames });
 * console.log(r.accuracy, r.macro.f1, r.kappa);
 * ```
 */
export function classificationReport(
  yTrue: Labels,
  yPred: Labels,
  options: ClassificationReportOptions,
): ClassificationReport {
  return reportFromConfusion(confusionMatrix(yTrue, yPred, options.numClasses), options.classNames);
}
