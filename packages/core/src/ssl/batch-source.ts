/**
 * Batch sources for {@link pretrain}: random access by (epoch, index), so that a resumed run
 * fetches exactly the batches the interrupted one would have seen.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '../errors.js';
import { createRng } from '../rng.js';

/**
 * Where `pretrain` gets its batches. `batch(epoch, index, batchSize)` must be a pure function of
 * its arguments (shuffle with a generator seeded from the epoch, not from a running stream): a
 * resumed run then continues with the very batches the interrupted one would have used.
 * `pretrain` disposes every batch after its step.
 */
export interface BatchSource<TBatch = tf.Tensor4D> {
  /** Batches per epoch at this batch size. */
  stepsPerEpoch(batchSize: number): number;
  /** Batch `index` (0-based) of `epoch` (0-based); owned by the caller. */
  batch(epoch: number, index: number, batchSize: number): TBatch | Promise<TBatch>;
}

/** Options of {@link tensorBatchSource}. */
export interface TensorBatchSourceOptions {
  /** Seed of the per-epoch shuffles (default 0). */
  seed?: number;
  /** Shuffle every epoch (default true). */
  shuffle?: boolean;
  /** Drop the last incomplete batch (default true: contrastive losses want full batches). */
  dropLast?: boolean;
}

/**
 * A {@link BatchSource} over images already in memory (e.g. `loadImageFolder(...).images`).
 * Epoch e uses the permutation of `createRng(seed).fork('epoch-' + e)`.
 *
 * @param images `[N, H, W, C]`; kept (not copied, not disposed) — dispose it after training.
 * @throws {ShapeError} for an empty tensor. `stepsPerEpoch` throws {ConfigError} when the
 *   batch size exceeds N with `dropLast`.
 * @example
 * ```ts
 * const data = tensorBatchSource(images, { seed: 1 });
 * await pretrain(method, data, { epochs: 10, batchSize: 64 });
 * ```
 */
export function tensorBatchSource<T extends tf.Tensor>(
  images: T,
  options: TensorBatchSourceOptions = {},
): BatchSource<T> {
  const n = images.shape[0] ?? 0;
  if (images.rank < 1 || n === 0) {
    throw new ShapeError({
      fn: 'tensorBatchSource',
      problem: 'images must hold at least one sample along axis 0',
      got: `shape ${JSON.stringify(images.shape)}`,
    });
  }
  const seed = options.seed ?? 0;
  const shuffle = options.shuffle ?? true;
  const dropLast = options.dropLast ?? true;
  let cached: { epoch: number; order: Int32Array } | null = null;
  const orderOf = (epoch: number): Int32Array => {
    if (cached?.epoch !== epoch) {
      const order = shuffle
        ? createRng(seed).fork(`epoch-${epoch}`).permutation(n)
        : Int32Array.from({ length: n }, (_, i) => i);
      cached = { epoch, order };
    }
    return cached.order;
  };
  const stepsPerEpoch = (batchSize: number): number => {
    if (!Number.isInteger(batchSize) || batchSize < 1 || (dropLast && batchSize > n)) {
      throw new ConfigError({
        fn: 'tensorBatchSource',
        problem: 'batchSize must be a positive integer no larger than the number of images',
        expected: `1..${n}`,
        got: batchSize,
      });
    }
    return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  };
  return {
    stepsPerEpoch,
    batch(epoch, index, batchSize) {
      const steps = stepsPerEpoch(batchSize);
      if (!Number.isInteger(index) || index < 0 || index >= steps) {
        throw new ConfigError({
          fn: 'tensorBatchSource.batch',
          problem: 'index is outside the epoch',
          expected: `0..${steps - 1}`,
          got: index,
        });
      }
      const ids = orderOf(epoch).slice(index * batchSize, Math.min(n, (index + 1) * batchSize));
      return tf.tidy(() => tf.gather(images, tf.tensor1d(ids, 'int32')) as T);
    },
  };
}

/** A random-access loader such as `@tumorxai/mri-preprocess`'s `createBatchLoader(...)`. */
export interface RandomAccessLoader<TBatch> {
  /** Batches per epoch (the loader's own batch size). */
  readonly stepsPerEpoch: number;
  /** The batch at (epoch, step): its `images` (or views) and optional `labels`, caller-owned. */
  batch(epoch: number, step: number): { images: TBatch; labels?: tf.Tensor };
}

/**
 * Adapts a {@link RandomAccessLoader} (e.g. `createBatchLoader(images, { batchSize, seed,
 * dropLast: true, augment })` from `@tumorxai/mri-preprocess`) to a {@link BatchSource}: each
 * batch is the loader's `images` (the labels, unused by self-supervised methods, are disposed).
 * Pass `pretrain` the loader's batch size.
 *
 * @example
 * ```ts
 * const loader = createBatchLoader(data.images, { batchSize: 64, seed: 0, dropLast: true });
 * await pretrain(simclr, loaderBatchSource(loader), { epochs: 100, batchSize: 64 });
 * ```
 */
export function loaderBatchSource<TBatch>(loader: RandomAccessLoader<TBatch>): BatchSource<TBatch> {
  return {
    stepsPerEpoch: () => loader.stepsPerEpoch,
    batch(epoch, index) {
      const { images, labels } = loader.batch(epoch, index);
      labels?.dispose();
      return images;
    },
  };
}
