import { ConfigError, createRng } from '@tumorxai/core';
import { checkLabels, type Labels } from './confusion.js';

/** A point estimate with its bootstrap confidence interval. */
export interface ConfidenceInterval {
  /** The metric on the full data. */
  estimate: number;
  lower: number;
  upper: number;
  /** e.g. 0.95 */
  confidence: number;
  /** Number of bootstrap resamples. */
  resamples: number;
}

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 0): the same seed gives the same interval. */
  seed?: number;
}

/** numpy's default (linear) percentile of sorted values, q in [0, 1]. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Percentile bootstrap confidence interval of a metric of predictions (Efron & Tibshirani 1993):
 * resample the test set with replacement `resamples` times, recompute the metric, and take the
 * `(1 − confidence)/2` and `(1 + confidence)/2` percentiles. Seeded and deterministic.
 *
 * A reported 99.64 % accuracy on 500 test images comes with an interval of roughly ±0.5 %; this
 * is how to show it.
 *
 * @param metric e.g. `(t, p) => classificationReport(t, p, { numClasses }).accuracy`.
 * @throws {ConfigError} for `resamples < 1` or a confidence outside (0, 1).
 * @example
 * ```ts
 * const ci = bootstrapCi(yTrue, yPred, accuracy, { seed: 0 });
 * console.log(`${ci.estimate} [${ci.lower}, ${ci.upper}]`);
 * ```
 */
export function bootstrapCi(
  yTrue: Labels,
  yPred: Labels,
  metric: (yTrue: Int32Array, yPred: Int32Array) => number,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  const fn = 'bootstrapCi';
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new ConfigError({ fn, problem: 'resamples must be a positive integer', got: resamples });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new ConfigError({ fn, problem: 'confidence must be in (0, 1)', got: confidence });
  }
  checkLabels(fn, yTrue, yPred, Number.MAX_SAFE_INTEGER);
  const n = yTrue.length;
  const t = Int32Array.from(yTrue);
  const p = Int32Array.from(yPred);
  const rng = createRng(options.seed ?? 0);
  const values = new Float64Array(resamples);
  const bt = new Int32Array(n);
  const bp = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(0, n - 1);
      bt[i] = t[j]!;
      bp[i] = p[j]!;
    }
    values[r] = metric(bt, bp);
  }
  values.sort();
  const alpha = (1 - confidence) / 2;
  return {
    estimate: metric(t, p),
    lower: percentile(values, alpha),
    upper: percentile(values, 1 - alpha),
    confidence,
    resamples,
  };
}
