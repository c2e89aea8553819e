import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConfigError,
  checkpointFile,
  DataError,
  IOError,
  LARS,
  loaderBatchSource,
  type PretrainProgress,
  type PretrainWarning,
  pretrain,
  readCheckpoint,
  SGD,
  tensorBatchSource,
} from '../src/index.js';
import { snapshot, ToyMethod, toyData } from './ssl-toy-method.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-pretrain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `run-${dirs++}`);

const data = toyData(48);
afterAll(() => data.dispose());
const OPTIONS = {
  epochs: 3,
  batchSize: 12,
  seed: 5,
  schedule: {
    learningRate: (step: number, total: number) => 0.02 * (1 - step / total),
    momentum: 0.95,
  },
};

describe('pretrain', () => {
  it('runs epochs × stepsPerEpoch steps, hands schedules and forks to trainStep, reports progress', async () => {
    const method = new ToyMethod(1);
    const events: PretrainProgress[] = [];
    const result = await pretrain(method, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      onProgress: (p) => events.push(p),
    });
    expect(result.steps).toBe(12);
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(events.map((e) => e.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(events[5]!.stepInEpoch).toBe(2);
    expect(events[0]!.learningRate).toBeCloseTo(0.02, 12);
    expect(method.contexts[6]).toMatchObject({
      step: 6,
      totalSteps: 12,
      epoch: 1,
      stepsPerEpoch: 4,
      momentum: 0.95,
    });
    expect(method.contexts[6]!.learningRate).toBeCloseTo(0.02 * (1 - 6 / 12), 12);
    expect(events.every((e) => e.imagesPerSecond > 0 && e.etaSeconds >= 0)).toBe(true);
    expect(events.at(-1)!.etaSeconds).toBe(0);
    expect(events[0]!.embeddingStd).toBeGreaterThan(0);
    expect(result.epochLosses).toHaveLength(3);
    expect(result.epochLosses[2]).toBeLessThan(result.epochLosses[0]!);
    expect(result.finalLoss).toBe(events.at(-1)!.loss);
    expect(result.resumedFrom).toBeNull();
    expect(result.checkpointPath).toBeNull();
    method.dispose();
  });

  it('resumes after an abort to bit-identical weights, BN statistics and optimiser state', async () => {
    const reference = new ToyMethod(1);
    const dirA = freshDir();
    const full = await pretrain(reference, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dirA,
    });
    expect(full.checkpointPath).toBe(checkpointFile(dirA));
    const expected = snapshot(reference);

    const dir = freshDir();
    const first = new ToyMethod(1);
    const controller = new AbortController();
    const aborted = pretrain(first, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      checkpointEvery: 100,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 5) controller.abort();
      },
    });
    await expect(aborted).rejects.toThrow(AbortError);
    await expect(aborted).rejects.toThrow(/after step 5 of 12.*resume: true/);
    expect(readCheckpoint(checkpointFile(dir))).toMatchObject({ step: 5, method: 'toy' });
    first.dispose();

    // A new process would rebuild the method with other initial weights: the checkpoint wins.
    const second = new ToyMethod(99);
    const resumed = await pretrain(second, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      resume: true,
    });
    expect(resumed.resumedFrom).toBe(5);
    expect(second.contexts[0]!.step).toBe(5);
    expect(snapshot(second)).toEqual(expected);
    expect(resumed.epochLosses).toEqual(full.epochLosses);
    expect(resumed.finalLoss).toBe(full.finalLoss);
    // Resuming a finished run trains nothing and reports the same result.
    const again = await pretrain(second, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      resume: true,
    });
    expect(again).toMatchObject({
      resumedFrom: 12,
      finalLoss: full.finalLoss,
      epochLosses: full.epochLosses,
    });
    expect(snapshot(second)).toEqual(expected);
    reference.dispose();
    second.dispose();
  });

  it('resumes from the last periodic checkpoint after a crash (iterable data, replayed batches)', async () => {
    const source = tensorBatchSource(data, { seed: 2 });
    const iterable = (epoch: number) =>
      (async function* () {
        for (let i = 0; i < 4; i++) yield source.batch(epoch, i, 12) as tf.Tensor2D;
      })();
    const reference = new ToyMethod(1, new LARS({ weightDecay: 1e-4 }));
    await pretrain(reference, iterable, { ...OPTIONS, stepsPerEpoch: 4 });
    const expected = snapshot(reference);
    reference.dispose();

    const dir = freshDir();
    const crashed = new ToyMethod(1, new LARS({ weightDecay: 1e-4 }));
    const crash = pretrain(crashed, iterable, {
      ...OPTIONS,
      stepsPerEpoch: 4,
      checkpointDir: dir,
      checkpointEvery: 3,
      onProgress: (p) => {
        if (p.step === 7) throw new Error('killed');
      },
    });
    await expect(crash).rejects.toThrow('killed');
    expect(readCheckpoint(checkpointFile(dir)).step).toBe(6);
    crashed.dispose();

    const before = tf.memory().numTensors;
    const resumedMethod = new ToyMethod(3, new LARS({ weightDecay: 1e-4 }));
    const resumed = await pretrain(resumedMethod, iterable, {
      ...OPTIONS,
      stepsPerEpoch: 4,
      checkpointDir: dir,
      checkpointEvery: 3,
      resume: true,
    });
    expect(resumed.resumedFrom).toBe(6);
    expect(snapshot(resumedMethod)).toEqual(expected);
    // Nothing leaked: only the method's own networks and optimiser slots remain.
    const slots = resumedMethod.optimizer.getState().slots;
    const kept = Object.keys(slots).length;
    tf.dispose(slots);
    resumedMethod.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(kept).toBeGreaterThan(0);
  });

  it('refuses a checkpoint of another run and validates its options', async () => {
    const dir = freshDir();
    const method = new ToyMethod(1);
    await pretrain(method, tensorBatchSource(data), {
      epochs: 1,
      batchSize: 12,
      checkpointDir: dir,
    });
    await expect(
      pretrain(method, tensorBatchSource(data), {
        epochs: 1,
        batchSize: 8,
        checkpointDir: dir,
        resume: true,
      }),
    ).rejects.toThrow(/batchSize differs/);
    const sgdMethod = new ToyMethod(1, new SGD());
    await expect(
      pretrain(sgdMethod, tensorBatchSource(data), {
        epochs: 1,
        batchSize: 12,
        checkpointDir: dir,
        resume: true,
      }),
    ).rejects.toThrow(ConfigError);
    await expect(
      pretrain(method, tensorBatchSource(data), { epochs: 0, batchSize: 12 }),
    ).rejects.toThrow(/epochs must be a positive integer/);
    await expect(
      pretrain(method, () => [] as tf.Tensor2D[], { epochs: 1, batchSize: 12 }),
    ).rejects.toThrow(/stepsPerEpoch is required/);
    await expect(
      pretrain(method, () => [] as tf.Tensor2D[], { epochs: 1, batchSize: 12, stepsPerEpoch: 2 }),
    ).rejects.toThrow(DataError);
    method.dispose();
    sgdMethod.dispose();
  });

  it('warns once per epoch when the embeddings collapse', async () => {
    const method = new ToyMethod(1);
    const original = method.trainStep.bind(method);
    method.trainStep = (batch, context) => ({
      ...original(batch, context),
      collapse: { std: 0.001, dim: 8 },
    });
    const warnings: PretrainWarning[] = [];
    const result = await pretrain(method, tensorBatchSource(data), {
      epochs: 2,
      batchSize: 12,
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings.map((w) => [w.kind, w.epoch])).toEqual([
      ['collapse', 0],
      ['collapse', 1],
    ]);
    expect(warnings[0]!.message).toMatch(/^pretrain: the embeddings may be collapsing at step 1/);
    expect(result.collapseWarnings).toBe(2);
    method.dispose();
  });
});

describe('checkpoints', () => {
  it('rejects a file that is not a TumorXAI checkpoint', () => {
    const path = join(root, 'bogus.safetensors');
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    expect(() => readCheckpoint(path)).toThrow(IOError);
    expect(() => readCheckpoint(join(root, 'missing.safetensors'))).toThrow(/no checkpoint/);
  });
});

describe('tensorBatchSource', () => {
  it('is a pure function of (epoch, index): same batch twice, new order each epoch, every image once', () => {
    const images = tf.reshape(tf.range(0, 10), [10, 1]) as tf.Tensor2D;
    const source = tensorBatchSource(images, { seed: 3 });
    expect(source.stepsPerEpoch(3)).toBe(3);
    const epochValues = (epoch: number) =>
      [0, 1, 2].flatMap((i) => {
        const b = source.batch(epoch, i, 3) as tf.Tensor;
        const v = Array.from(b.dataSync());
        b.dispose();
        return v;
      });
    const e0 = epochValues(0);
    expect(epochValues(0)).toEqual(e0);
    expect(new Set(e0).size).toBe(9);
    expect(epochValues(1)).not.toEqual(e0);
    expect(tensorBatchSource(images, { dropLast: false }).stepsPerEpoch(3)).toBe(4);
    expect(() => source.stepsPerEpoch(11)).toThrow(ConfigError);
    expect(() => source.batch(0, 3, 3)).toThrow(/outside the epoch/);
    images.dispose();
  });
});

describe('loaderBatchSource', () => {
  it('adapts a random-access loader (batch → { images, labels }) and disposes the labels', async () => {
    const images = toyData(24);
    const source = tensorBatchSource(images, { seed: 1 });
    const made: tf.Tensor[] = [];
    const loader = {
      stepsPerEpoch: 2,
      batch(epoch: number, step: number) {
        const labels = tf.zeros([12], 'int32');
        made.push(labels);
        return { images: source.batch(epoch, step, 12) as tf.Tensor2D, labels };
      },
    };
    const adapted = loaderBatchSource(loader);
    expect(adapted.stepsPerEpoch(12)).toBe(2);
    const before = tf.memory().numTensors;
    const method = new ToyMethod(1);
    const result = await pretrain(method, adapted, { epochs: 2, batchSize: 12 });
    expect(result.steps).toBe(4);
    expect(made).toHaveLength(4);
    expect(made.every((t) => t.isDisposed)).toBe(true);
    method.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });
});
