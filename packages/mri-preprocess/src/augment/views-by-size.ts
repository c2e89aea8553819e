/**
 * A views recipe that follows the input's size: the ops are built once per output size and
 * reused, and the batch is checked before any op runs.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@tumorxai/core';
import { assertImages, type ViewsOp } from './augmentation-op.js';

/**
 * Wraps `build(size) → ViewsOp` into one {@link ViewsOp} for batches of any size: `sizeOf` picks
 * the output size for a batch (e.g. a fixed option, else the batch's own side), and the op built
 * for it is cached. `build(initialSize)` runs at once, so invalid options throw here, not at the
 * first batch.
 *
 * @param fn The recipe's name, for error messages.
 * @throws {ShapeError} (from the returned op) when the batch is not a float32 `[N, H, W, C]`.
 * @example
 * ```ts
 * const views = viewsBySize('myViews', (size) => makeViews([crop(size), crop(size)]),
 *   (images) => [images.shape[1], images.shape[2]], 32);
 * ```
 */
export function viewsBySize<S extends number | readonly [number, number]>(
  fn: string,
  build: (size: S) => ViewsOp,
  sizeOf: (images: tf.Tensor4D) => S,
  initialSize: S,
): ViewsOp {
  const cache = new Map<string, ViewsOp>();
  const viewsFor = (size: S): ViewsOp => {
    const key = String(size);
    let views = cache.get(key);
    if (!views) {
      views = build(size);
      cache.set(key, views);
    }
    return views;
  };
  viewsFor(initialSize);
  return (images: tf.Tensor4D, rng: Rng) => {
    assertImages(fn, images);
    return viewsFor(sizeOf(images))(images, rng);
  };
}
