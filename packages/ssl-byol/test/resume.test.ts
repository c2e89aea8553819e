import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AbortError, LARS, pretrain, tensorBatchSource } from '@tumorxai/core';
import { randomImages, tinyBackbone } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BYOL, byolViews } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-byol-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const OPTIONS = { epochs: 3, batchSize: 12, seed: 5 } as const;

function makeMethod() {
  const backbone = tinyBackbone(12, 7);
  const byol = new BYOL({
    backbone,
    hiddenDim: 16,
    outputDim: 8,
    views: byolViews({ size: 12 }),
    optimizer: new LARS({ weightDecay: 1e-4 }),
    baseMomentum: 0.9, // far from 1 so that the target moves visibly in 12 steps
    seed: 1,
  });
  return { byol, backbone };
}

/** Every weight (online and target, BN statistics included) and the optimiser state as arrays. */
function snapshot(byol: BYOL) {
  const weights = byol.getWeights();
  const { slots, ...rest } = byol.optimizer.getState();
  const out = {
    weights: Object.fromEntries(
      Object.entries(weights).map(([k, t]) => [k, Array.from(t.dataSync())]),
    ),
    slots: Object.fromEntries(Object.entries(slots).map(([k, t]) => [k, Array.from(t.dataSync())])),
    optimizer: rest,
  };
  tf.dispose([weights, slots]);
  return out;
}

describe('BYOL kill-and-resume', () => {
  it('resumes after an abort to bit-identical online and target weights and optimiser state', async () => {
    const data = randomImages(48, 16, 9);
    const full = makeMethod();
    const initial = snapshot(full.byol);
    const fullResult = await pretrain(full.byol, tensorBatchSource(data, { seed: 2 }), OPTIONS);
    const expected = snapshot(full.byol);
    // The run changed both networks.
    expect(expected.weights['targetBackbone/0']).not.toEqual(initial.weights['targetBackbone/0']);
    expect(expected.weights['predictionHead/0']).not.toEqual(initial.weights['predictionHead/0']);

    const dir = join(root, 'run');
    const first = makeMethod();
    const controller = new AbortController();
    const aborted = pretrain(first.byol, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 5) controller.abort();
      },
    });
    await expect(aborted).rejects.toThrow(AbortError);
    first.byol.dispose();
    first.backbone.dispose();

    const second = makeMethod();
    const resumed = await pretrain(second.byol, tensorBatchSource(data, { seed: 2 }), {
      ...OPTIONS,
      checkpointDir: dir,
      resume: true,
    });
    expect(resumed.resumedFrom).toBe(5);
    expect(resumed.epochLosses).toEqual(fullResult.epochLosses);
    const got = snapshot(second.byol);
    expect(Object.keys(got.weights).sort()).toEqual(Object.keys(expected.weights).sort());
    expect(got).toEqual(expected);
    for (const m of [full, second]) {
      m.byol.dispose();
      m.backbone.dispose();
    }
    data.dispose();
  });
});
