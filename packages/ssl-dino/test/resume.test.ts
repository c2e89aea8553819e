import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, pretrain, tensorBatchSource } from '@tumorxai/core';
import { randomImages } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DINO, dinoViews } from '../src/index.js';
import { tinyBackbone } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-dino-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 2 epochs × 3 steps: the crash lands in epoch 0 (last layer frozen, its optimiser slots not yet
// created) and the resumed run crosses into epoch 1.
const OPTIONS = { epochs: 2, batchSize: 8, seed: 5 } as const;

function makeMethod() {
  const backbone = tinyBackbone(13);
  const dino = new DINO({
    backbone,
    headOptions: { hiddenDim: 16, bottleneckDim: 8, outputDim: 32 },
    views: dinoViews({ globalSize: 12, localSize: 6, localCrops: 2, interpolation: 'bilinear' }),
    optimizer: new AdamW({ weightDecay: 0.04 }),
    learningRate: 0.01,
    momentum: 0.9, // far from 1 so that the teacher moves visibly in 6 steps
    seed: 3,
  });
  return { dino, backbone };
}

/** Student, teacher, center, last teacher temperature and optimiser state, as plain arrays. */
function snapshot(dino: DINO) {
  const weights = dino.getWeights();
  const { slots, ...rest } = dino.optimizer.getState();
  const arrays = (r: Record<string, tf.Tensor>) =>
    Object.fromEntries(Object.entries(r).map(([k, t]) => [k, Array.from(t.dataSync())]));
  const out = { weights: arrays(weights), slots: arrays(slots), optimizer: rest };
  tf.dispose([weights, slots]);
  return out;
}

describe('DINO kill-and-resume', () => {
  it('resumes after a crash to bit-identical student, teacher, center and optimiser state', async () => {
    const data = randomImages(24, 16, 9);
    const full = makeMethod();
    const initial = snapshot(full.dino);
    const fullResult = await pretrain(full.dino, tensorBatchSource(data, { seed: 2 }), OPTIONS);
    const expected = snapshot(full.dino);
    for (const key of ['backbone/0', 'teacherBackbone/0', 'teacherHead/0', 'center']) {
      expect(expected.weights[key]).not.toEqual(initial.weights[key]);
    }
    expect(Object.keys(expected.slots).length).toBeGreaterThan(0);

    // "Kill": the process dies inside step 3's bookkeeping, before that step's checkpoint.
    const dir = join(root, 'run');
    const first = makeMethod();
    const crashed = pretrain(first.dino, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      checkpointEvery: 1,
      onProgress: (p) => {
        if (p.step === 3) throw new Error('killed');
      },
    });
    await expect(crashed).rejects.toThrow('killed');
    first.dino.dispose();
    first.backbone.dispose();

    const second = makeMethod();
    const resumed = await pretrain(second.dino, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      resume: true,
    });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.epochLosses).toEqual(fullResult.epochLosses);
    const got = snapshot(second.dino);
    expect(Object.keys(got.weights).sort()).toEqual(Object.keys(expected.weights).sort());
    expect(got).toEqual(expected);
    for (const m of [full, second]) {
      m.dino.dispose();
      m.backbone.dispose();
    }
    data.dispose();
  });
});
