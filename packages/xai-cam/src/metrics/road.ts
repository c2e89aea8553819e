/**
 * ROAD: RemOve And Debias (pytorch-grad-cam `metrics/road.py`, spec §5).
 *
 * [0] Rong et al., "A Consistent and Efficient Evaluation Strategy for Attribution Methods",
 *     ICML 2022, https://arxiv.org/abs/2202.00449
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, createRng, type Rng, ShapeError } from '@tumorxai/core';
import { percentile } from '../internal/percentile.js';
import { imputeArray } from './linear-imputation.js';
import {
  checkCams,
  differences,
  type MetricOptions,
  metricTargets,
  targetScores,
} from './model-scores.js';

/** Which pixels ROAD removes: the most relevant (MoRF) or the least relevant (LeRF). */
export type RoadOrder = 'mostRelevantFirst' | 'leastRelevantFirst';

/** Options of {@link roadPerturb}. */
export interface RoadPerturbOptions {
  order: RoadOrder;
  /**
   * MoRF keeps the pixels whose map value is below this percentile of the map (removes the top
   * 100 − p %); LeRF keeps the p % most relevant pixels. Default 80 (MoRF), 20 (LeRF).
   */
  percentile?: number;
  /** Imputation noise (default 0.01; 0 gives the deterministic imputation). */
  noise?: number;
  /** Noise source (default `createRng(0)`). */
  rng?: Rng;
}

/** Options of {@link roadMostRelevantFirst} / {@link roadLeastRelevantFirst}. */
export interface RoadOptions extends MetricOptions, Omit<RoadPerturbOptions, 'order'> {}

/** Options of {@link roadCombined}. */
export interface RoadCombinedOptions
  extends MetricOptions,
    Pick<RoadPerturbOptions, 'noise' | 'rng'> {
  /** Percentiles averaged over (default 10, 20, …, 90). */
  percentiles?: readonly number[];
}

function checkPercentile(fn: string, p: number): void {
  if (!(p >= 0 && p <= 100)) {
    throw new ConfigError({ fn, problem: 'percentile must lie in [0, 100]', got: p });
  }
}

/**
 * The ROAD-perturbed images: per image, threshold its map at `percentile` (linear
 * interpolation, as `np.percentile`), keep the pixels strictly below it (MoRF: map values;
 * LeRF: `1 − map`), and impute the others with {@link noisyLinearImputation}.
 *
 * @param images `[N, H, W, C]` (not disposed). @param cams `[N, H, W]` in [0, 1].
 * @returns A new `[N, H, W, C]` tensor.
 * @throws {ShapeError} when `cams` does not match `images` or `images` is not 4-D.
 * @example
 * ```ts
 * const removed = roadPerturb(images, maps, { order: 'mostRelevantFirst', percentile: 80, noise: 0 });
 * ```
 */
export function roadPerturb(
  images: tf.Tensor,
  cams: tf.Tensor,
  options: RoadPerturbOptions,
): tf.Tensor4D {
  const fn = 'roadPerturb';
  if (images.rank !== 4) {
    throw new ShapeError({ fn, problem: 'images must be [N, H, W, C]', got: images.shape });
  }
  checkCams(fn, images, cams);
  const lerf = options.order === 'leastRelevantFirst';
  if (!lerf && options.order !== 'mostRelevantFirst') {
    throw new ConfigError({
      fn,
      problem: 'unknown order',
      expected: "'mostRelevantFirst' | 'leastRelevantFirst'",
      got: options.order,
    });
  }
  const p = options.percentile ?? (lerf ? 20 : 80);
  checkPercentile(fn, p);
  const rng = options.rng ?? createRng(0);
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const pixels = images.dataSync() as Float32Array;
  const maps = cams.dataSync() as Float32Array;
  const out = new Float32Array(pixels.length);
  const per = h * w;
  for (let b = 0; b < n; b++) {
    const relevance = maps
      .subarray(b * per, (b + 1) * per)
      .map((m) => (lerf ? Math.fround(1 - m) : m));
    const threshold = percentile(Float64Array.from(relevance).sort(), p);
    const keep = relevance.map((v) => (v < threshold ? 1 : 0));
    const image = pixels.subarray(b * per * c, (b + 1) * per * c);
    out.set(
      imputeArray(Float32Array.from(image), keep, h, w, c, options.noise ?? 0.01, rng),
      b * per * c,
    );
  }
  return tf.tensor4d(out, [n, h, w, c], 'float32');
}

function road(
  fn: string,
  order: RoadOrder,
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: RoadOptions,
): Float32Array {
  checkCams(fn, images, cams);
  const targets = metricTargets(fn, model, images, options);
  const before = targetScores(fn, model, images, targets);
  const perturbed = roadPerturb(images, cams, { ...options, order });
  try {
    return differences(targetScores(fn, model, perturbed, targets), before);
  } finally {
    perturbed.dispose();
  }
}

/**
 * `score(X̃) − score(X)` after removing the `100 − percentile` % most relevant pixels and
 * imputing them (`ROADMostRelevantFirst`, default percentile 80). A faithful map makes the score
 * drop: lower is better.
 *
 * @returns `[N]` float32. @throws {ShapeError} / {ConfigError} as {@link roadPerturb}.
 * @example
 * ```ts
 * const morf = roadMostRelevantFirst(model, images, maps, { percentile: 80, noise: 0 });
 * ```
 */
export function roadMostRelevantFirst(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: RoadOptions = {},
): Float32Array {
  return road('roadMostRelevantFirst', 'mostRelevantFirst', model, images, cams, options);
}

/**
 * `score(X̃) − score(X)` keeping only the `percentile` % most relevant pixels
 * (`ROADLeastRelevantFirst`, default percentile 20). Higher is better.
 *
 * @returns `[N]` float32. @throws {ShapeError} / {ConfigError} as {@link roadPerturb}.
 * @example
 * ```ts
 * const lerf = roadLeastRelevantFirst(model, images, maps, { percentile: 20 });
 * ```
 */
export function roadLeastRelevantFirst(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: RoadOptions = {},
): Float32Array {
  return road('roadLeastRelevantFirst', 'leastRelevantFirst', model, images, cams, options);
}

/**
 * `(mean_p LeRF_p − mean_p MoRF_p) / 2` over `percentiles` (`ROADCombined`; higher is better).
 * One noise stream (`rng`) is used for all runs.
 *
 * @returns `[N]` float32. @throws {ConfigError} on an empty percentile list; as {@link roadPerturb}.
 * @example
 * ```ts
 * const score = roadCombined(model, images, maps, { percentiles: [20, 40, 60, 80] });
 * ```
 */
export function roadCombined(
  model: tfl.LayersModel,
  images: tf.Tensor,
  cams: tf.Tensor,
  options: RoadCombinedOptions = {},
): Float32Array {
  const fn = 'roadCombined';
  const percentiles = options.percentiles ?? [10, 20, 30, 40, 50, 60, 70, 80, 90];
  if (percentiles.length === 0) throw new ConfigError({ fn, problem: 'percentiles is empty' });
  const rng = options.rng ?? createRng(0);
  const targets = metricTargets(fn, model, images, options);
  const mean = (order: RoadOrder) => {
    const sum = new Float32Array(images.shape[0]!);
    for (const p of percentiles) {
      const scores = road(fn, order, model, images, cams, {
        ...options,
        targets,
        percentile: p,
        rng,
      });
      scores.forEach((s, i) => {
        sum[i] = Math.fround(sum[i]! + s);
      });
    }
    return sum.map((s) => Math.fround(s / percentiles.length));
  };
  const lerf = mean('leastRelevantFirst');
  const morf = mean('mostRelevantFirst');
  return lerf.map((l, i) => Math.fround((l - morf[i]!) / 2));
}
