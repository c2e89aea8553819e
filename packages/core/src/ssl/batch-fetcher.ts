/**
 * Sequential access to {@link PretrainData} by (epoch, index), for `pretrain`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../errors.js';
import type { BatchSource } from './batch-source.js';
import type { PretrainData } from './pretrain-options.js';

/** Fetches batch `index` of `epoch`; calls come in increasing (epoch, index) order. */
export interface BatchFetcher<TBatch> {
  get(epoch: number, index: number): Promise<TBatch>;
  close(): Promise<void>;
}

export function isBatchSource<TBatch>(data: PretrainData<TBatch>): data is BatchSource<TBatch> {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as BatchSource<TBatch>).batch === 'function'
  );
}

export function createBatchFetcher<TBatch>(
  data: PretrainData<TBatch>,
  batchSize: number,
): BatchFetcher<TBatch> {
  if (isBatchSource(data)) {
    return {
      get: async (epoch, index) => data.batch(epoch, index, batchSize),
      close: async () => {},
    };
  }
  let current: {
    epoch: number;
    next: number;
    it: Iterator<TBatch> | AsyncIterator<TBatch>;
  } | null = null;
  const close = async () => {
    if (current?.it.return) await current.it.return();
    current = null;
  };
  return {
    async get(epoch, index) {
      if (current?.epoch !== epoch || current.next > index) {
        await close();
        const iterable = data(epoch);
        const it =
          Symbol.asyncIterator in iterable
            ? (iterable as AsyncIterable<TBatch>)[Symbol.asyncIterator]()
            : (iterable as Iterable<TBatch>)[Symbol.iterator]();
        current = { epoch, next: 0, it };
      }
      for (;;) {
        const { value, done } = await current.it.next();
        if (done) {
          throw new DataError({
            fn: 'pretrain',
            problem: `the data of epoch ${epoch} ended after ${current.next} batches`,
            expected: `at least ${index + 1} batches`,
            fix: 'Pass stepsPerEpoch no larger than the number of batches the iterable yields',
          });
        }
        const position = current.next++;
        if (position === index) return value;
        // A batch of an interrupted epoch that a resumed run already trained on.
        tf.dispose(value as tf.TensorContainer);
      }
    },
    close,
  };
}
