/**
 * A seeded, resumable mini-batch loader over an in-memory NHWC dataset. Every batch is a pure
 * function of (seed, epoch, step): a resumed run gets exactly the batches it would have seen.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Rng, ShapeError } from '@tumorxai/core';
import { deriveRng } from '../internal/derive-rng.js';

/** A batch. Tensors are owned by whoever called {@link BatchLoader.batch}. */
export interface Batch<T extends tf.TensorContainer = tf.Tensor4D> {
  /** The (augmented) images: `[B, H, W, C]`, or whatever `augment` returns (e.g. views). */
  images: T;
  /** `[B]` int32 labels (present when the loader was given labels). */
  labels?: tf.Tensor1D;
  /** Dataset indices of the batch's images. */
  indices: Int32Array;
  epoch: number;
  step: number;
}

/** Options of {@link createBatchLoader}. */
export interface BatchLoaderOptions<T extends tf.TensorContainer = tf.Tensor4D> {
  batchSize: number;
  seed: number;
  /** Dataset indices to draw from (default: all), e.g. `split.train.indices`. */
  indices?: ArrayLike<number>;
  /** One label per dataset image (e.g. `data.labels`); batches then carry `labels`. */
  labels?: ArrayLike<number>;
  /** Reshuffle every epoch (default true); false keeps `indices` order. */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default false; SSL losses usually want true). */
  dropLast?: boolean;
  /**
   * Applied to each gathered batch inside `tf.tidy` with a generator derived from (seed, epoch,
   * step); must be synchronous. An {@link AugmentationOp}, or any function returning tensors
   * (e.g. two views). Its input is disposed by the loader.
   */
  augment?: (images: tf.Tensor4D, rng: Rng) => T;
}

/** Iteration options of {@link BatchLoader.epoch}. */
export interface EpochOptions {
  /** First step to yield (resume mid-epoch), default 0. */
  fromStep?: number;
}

/** See {@link createBatchLoader}. */
export interface BatchLoader<T extends tf.TensorContainer = tf.Tensor4D> {
  /** Batches in one epoch. */
  readonly stepsPerEpoch: number;
  /** Number of items drawn from. */
  readonly size: number;
  /** The dataset indices of (epoch, step), without gathering anything. */
  indicesAt(epoch: number, step: number): Int32Array;
  /** The batch at (epoch, step); the caller owns and must dispose its tensors. */
  batch(epoch: number, step: number): Batch<T>;
  /**
   * Iterates an epoch from `fromStep`. Each yielded batch is disposed when the next one is
   * requested and when the loop ends (also on `break`/`throw`): use it inside the loop body,
   * or `tf.keep`/clone what must outlive the step.
   */
  epoch(epoch: number, options?: EpochOptions): Generator<Batch<T>, void, undefined>;
}

function positiveInt(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new ConfigError({
      fn: 'createBatchLoader',
      problem: `${name} must be a positive integer`,
      got: value,
    });
  }
  return value as number;
}

/**
 * Creates a loader over `images` (not copied, not disposed: the dataset stays the caller's).
 *
 * Order: epoch `e` uses the permutation of `indices` drawn from (seed, e); step `s` takes
 * positions `[s·B, (s+1)·B)`. Augmentation randomness comes from (seed, e, s). Nothing depends
 * on earlier calls, so `batch(e, s)` can be called in any order, any number of times.
 *
 * @throws {ShapeError} when `images` is not rank 4 or labels/indices do not fit it.
 * @throws {ConfigError} on invalid sizes or an empty index list.
 * @example
 * ```ts
 * const loader = createBatchLoader(data.images, {
 *   indices: split.train.indices, labels: data.labels, batchSize: 64, seed: 0, dropLast: true,
 *   augment: compose([randomResizedCrop({ size: 224 }), horizontalFlip()]),
 * });
 * for (const { images, labels } of loader.epoch(0)) trainStep(images, labels);
 * ```
 */
export function createBatchLoader<T extends tf.TensorContainer = tf.Tensor4D>(
  images: tf.Tensor4D,
  options: BatchLoaderOptions<T>,
): BatchLoader<T> {
  const fn = 'createBatchLoader';
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new ShapeError({
      fn,
      problem: 'images must be an NHWC tensor',
      expected: '[N, H, W, C]',
      got: images?.shape,
    });
  }
  const n = images.shape[0];
  const batchSize = positiveInt('batchSize', options.batchSize);
  if (!Number.isFinite(options.seed)) {
    throw new ConfigError({ fn, problem: 'seed must be a finite number', got: options.seed });
  }
  const pool = Int32Array.from(options.indices ?? Array.from({ length: n }, (_, i) => i));
  if (pool.some((i) => i < 0 || i >= n)) {
    throw new ShapeError({
      fn,
      problem: 'indices must point inside the dataset',
      expected: `0…${n - 1}`,
    });
  }
  if (options.labels && options.labels.length !== n) {
    throw new ShapeError({
      fn,
      problem: 'labels must have one entry per image',
      expected: n,
      got: options.labels.length,
    });
  }
  const dropLast = options.dropLast ?? false;
  const stepsPerEpoch = dropLast
    ? Math.floor(pool.length / batchSize)
    : Math.ceil(pool.length / batchSize);
  if (stepsPerEpoch === 0) {
    throw new ConfigError({
      fn,
      problem: `${pool.length} items make no batch of ${batchSize}${dropLast ? ' with dropLast' : ''}`,
      fix: 'Lower batchSize or set dropLast: false',
    });
  }
  const shuffle = options.shuffle ?? true;
  let cached: { epoch: number; order: Int32Array } | null = null;
  const orderOf = (epoch: number): Int32Array => {
    if (cached?.epoch === epoch) return cached.order;
    const order = shuffle
      ? deriveRng(options.seed, 'order', epoch)
          .permutation(pool.length)
          .map((k) => pool[k]!)
      : pool;
    cached = { epoch, order };
    return order;
  };
  const check = (epoch: number, step: number) => {
    if (
      !Number.isInteger(epoch) ||
      epoch < 0 ||
      !Number.isInteger(step) ||
      step < 0 ||
      step >= stepsPerEpoch
    ) {
      throw new ConfigError({
        fn: 'BatchLoader.batch',
        problem: 'epoch and step must be integers with 0 <= step < stepsPerEpoch',
        expected: `step in [0, ${stepsPerEpoch})`,
        got: { epoch, step },
      });
    }
  };
  const indicesAt = (epoch: number, step: number): Int32Array => {
    check(epoch, step);
    return orderOf(epoch).slice(step * batchSize, Math.min(pool.length, (step + 1) * batchSize));
  };
  const batch = (epoch: number, step: number): Batch<T> => {
    const indices = indicesAt(epoch, step);
    const out = tf.tidy(() => {
      const gathered = tf.gather(images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D;
      if (!options.augment) return gathered as unknown as T;
      return options.augment(gathered, deriveRng(options.seed, 'augment', epoch, step));
    });
    const labels = options.labels
      ? tf.tensor1d(
          Int32Array.from(indices, (i) => options.labels![i]!),
          'int32',
        )
      : undefined;
    return { images: out, labels, indices, epoch, step };
  };
  return {
    stepsPerEpoch,
    size: pool.length,
    indicesAt,
    batch,
    *epoch(epoch: number, iteration: EpochOptions = {}) {
      const from = iteration.fromStep ?? 0;
      if (from !== stepsPerEpoch) check(epoch, from);
      let current: Batch<T> | null = null;
      try {
        for (let step = from; step < stepsPerEpoch; step++) {
          if (current) tf.dispose([current.images, current.labels ?? []] as tf.TensorContainer);
          current = batch(epoch, step);
          yield current;
        }
      } finally {
        if (current) tf.dispose([current.images, current.labels ?? []] as tf.TensorContainer);
      }
    },
  };
}
