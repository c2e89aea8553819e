/**
 * Test-time predictions of a trained classifier.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type LongRunningOptions, nextTick, ProgressMeter, throwIfAborted } from './progress.js';

/**
 * Softmax outputs of `model` with BatchNorm in inference mode for the images `indices` of
 * `images`, batch by batch, as one row-major `[n, numClasses]` buffer on the host.
 *
 * @throws {AbortError} when `options.signal` fires.
 */
export async function predictProbabilities(
  fn: string,
  model: tfl.LayersModel,
  images: tf.Tensor4D,
  indices: Int32Array,
  options: LongRunningOptions & { evalBatchSize?: number; numClasses: number },
): Promise<Float32Array> {
  const batchSize = options.evalBatchSize ?? 64;
  const n = indices.length;
  const out = new Float32Array(n * options.numClasses);
  const batches = Math.ceil(n / batchSize);
  const meter = new ProgressMeter('predict', batches, options.onProgress);
  for (let b = 0; b < batches; b++) {
    throwIfAborted(fn, options.signal, `while predicting (batch ${b} of ${batches})`);
    const start = b * batchSize;
    const end = Math.min(n, start + batchSize);
    const p = tf.tidy(() => {
      const x = tf.gather(images, tf.tensor1d(indices.subarray(start, end), 'int32'));
      return tf.softmax(model.apply(x, { training: false }) as tf.Tensor2D);
    });
    out.set(await p.data(), start * options.numClasses);
    p.dispose();
    meter.tick(b + 1, end - start);
    await nextTick();
  }
  return out;
}
