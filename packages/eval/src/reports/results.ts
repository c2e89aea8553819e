/**
 * The results file of an experiment: every number of the results table, the confusion
 * matrices and training curves behind the plots, and the run's metadata — one JSON document
 * from which `writeReport` regenerates the Markdown table and every PNG.
 */
import { readFileSync } from 'node:fs';
import { IOError } from '@tumorxai/core';
import type { ClassScores } from '../metrics/classification.js';
import type { EpochRecord, EvaluationResult } from '../protocols/result.js';

/** One row of the results table: a method evaluated by one protocol at one label fraction. */
export interface ResultRow {
  /** What was evaluated, e.g. `'simclr'`, `'random-init'`, `'supervised'`. */
  method: string;
  /** `'linear-probe'`, `'fine-tune'`, `'knn'` or `'supervised'`. */
  protocol: string;
  /** Fraction of the training labels used, in (0, 1]. */
  labelFraction: number;
  trainSize: number;
  testSize: number;
  accuracy: number;
  accuracyCi: [number, number];
  balancedAccuracy: number;
  balancedAccuracyCi: [number, number];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  macroF1Ci: [number, number];
  weightedF1: number;
  kappa: number;
  top5: number | null;
  seconds: number;
  /** Rows: true class, columns: predicted class. */
  confusion: number[][];
  perClass: ClassScores[];
  history: EpochRecord[];
  settings: Record<string, number | string | boolean | null>;
  /** Files written for this row by `writeReport`, relative to the report folder. */
  plots?: { confusion?: string };
}

/** The whole results document. */
export interface ExperimentResults {
  format: 'tumorxai-results';
  version: 1;
  title: string;
  /** ISO date of the run. */
  createdAt: string;
  classNames: string[];
  /** Confidence level and resamples of the intervals. */
  confidence: number;
  resamples: number;
  rows: ResultRow[];
  /** Files written for the whole report (e.g. the training curves), relative to its folder. */
  plots?: { trainingCurves?: string; extra?: string[] };
  /** Anything that describes the run: config, dataset, versions, backend, seed, timings. */
  meta: Record<string, unknown>;
}

/**
 * A {@link ResultRow} from an {@link EvaluationResult}.
 *
 * @example
 * ```ts
 * rows.push(resultRow('simclr', 0.1, await linearProbe({ ... })));
 * ```
 */
export function resultRow(
  method: string,
  labelFraction: number,
  result: EvaluationResult,
): ResultRow {
  const { report, intervals } = result;
  const ci = (c: { lower: number; upper: number }): [number, number] => [c.lower, c.upper];
  return {
    method,
    protocol: result.protocol,
    labelFraction,
    trainSize: result.trainSize,
    testSize: report.n,
    accuracy: report.accuracy,
    accuracyCi: ci(intervals.accuracy),
    balancedAccuracy: report.balancedAccuracy,
    balancedAccuracyCi: ci(intervals.balancedAccuracy),
    macroPrecision: report.macro.precision,
    macroRecall: report.macro.recall,
    macroF1: report.macro.f1,
    macroF1Ci: ci(intervals.macroF1),
    weightedF1: report.weighted.f1,
    kappa: report.kappa,
    top5: result.top5,
    seconds: result.seconds,
    confusion: report.confusion,
    perClass: report.perClass,
    history: result.history,
    settings: result.settings,
  };
}

/**
 * Reads and checks a results file written by `writeReport`.
 *
 * @throws {IOError} when the file is missing or is not a TumorXAI results document.
 * @example
 * ```ts
 * const results = readResults('runs/demo/results.json');
 * await writeReport(results, 'runs/demo-again'); // the same table and plots
 * ```
 */
export function readResults(path: string): ExperimentResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new IOError({ fn: 'readResults', problem: `cannot read ${path} as JSON` }, { cause });
  }
  const r = parsed as Partial<ExperimentResults>;
  if (r?.format !== 'tumorxai-results' || r.version !== 1 || !Array.isArray(r.rows)) {
    throw new IOError({
      fn: 'readResults',
      problem: `${path} is not a TumorXAI results file`,
      expected: 'format "tumorxai-results", version 1, rows[]',
      got: { format: r?.format, version: r?.version },
    });
  }
  return r as ExperimentResults;
}
