/**
 * The inputs of every evaluation protocol: labelled images (a dataset tensor plus optional
 * indices, as `loadImageFolder` + `stratifiedSplit` give them) or labelled features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tumorxai/core';

/**
 * Labelled images. `labels` has one entry per image of `images` (like `loadImageFolder`'s
 * `labels`); `indices` selects the images to use (e.g. `split.train.indices`), default all.
 * Nothing is copied or disposed: the tensor stays the caller's.
 */
export interface LabeledImages {
  /** `[N, H, W, C]` float32. */
  images: tf.Tensor4D;
  /** One class id per image of `images`. */
  labels: ArrayLike<number>;
  /** Which images to use (default: all, in order). */
  indices?: ArrayLike<number>;
}

/** Labelled feature vectors (e.g. from {@link extractFeatures}); `labels` and `indices` as in {@link LabeledImages}. */
export interface LabeledFeatures {
  /** `[N, d]` float32. */
  features: tf.Tensor2D;
  labels: ArrayLike<number>;
  indices?: ArrayLike<number>;
}

/** Images or features. */
export type LabeledData = LabeledImages | LabeledFeatures;

/** Whether `data` holds features. */
export function isFeatures(data: LabeledData): data is LabeledFeatures {
  return (data as LabeledFeatures).features !== undefined;
}

/**
 * Checks `data` and returns the indices it selects and their labels.
 *
 * @throws {ShapeError} for a tensor of the wrong rank, labels of the wrong length, indices out
 *   of range, or labels outside `[0, numClasses)`.
 */
export function resolveSelection(
  fn: string,
  name: string,
  data: LabeledData,
  numClasses: number,
): { indices: Int32Array; labels: Int32Array } {
  const tensor = isFeatures(data) ? data.features : data.images;
  const rank = isFeatures(data) ? 2 : 4;
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== rank) {
    throw new ShapeError({
      fn,
      problem: `${name} must hold ${rank === 2 ? 'features [N, d]' : 'images [N, H, W, C]'}`,
      got: tensor instanceof tf.Tensor ? JSON.stringify(tensor.shape) : typeof tensor,
    });
  }
  const n = tensor.shape[0]!;
  if (!data.labels || data.labels.length !== n) {
    throw new ShapeError({
      fn,
      problem: `${name}.labels must have one entry per row of the tensor`,
      expected: n,
      got: data.labels?.length,
      fix: 'Pass the labels of the whole dataset and select rows with `indices`',
    });
  }
  const indices = Int32Array.from(data.indices ?? Array.from({ length: n }, (_, i) => i));
  if (indices.length === 0) {
    throw new ShapeError({
      fn,
      problem: `${name} selects no samples`,
      fix: 'Pass non-empty indices',
    });
  }
  const labels = new Int32Array(indices.length);
  indices.forEach((index, k) => {
    if (!(index >= 0 && index < n)) {
      throw new ShapeError({
        fn,
        problem: `${name}.indices[${k}] is outside the data`,
        expected: `0..${n - 1}`,
        got: index,
      });
    }
    const label = data.labels[index]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new ShapeError({
        fn,
        problem: `${name}.labels[${index}] is not a class id`,
        expected: `an integer in [0, ${numClasses - 1}]`,
        got: label,
      });
    }
    labels[k] = label;
  });
  return { indices, labels };
}
