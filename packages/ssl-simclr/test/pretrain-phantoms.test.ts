/**
 * SimCLR end to end on the synthetic phantom dataset with a tiny ResNet-18 (width 1/8, 32 px),
 * on the wasm backend with core's training kernels (the pure-JS cpu backend's conv gradients are
 * ~40× slower). Checks that pretraining learns (lower loss, better k-NN than random init on
 * held-out phantoms), that kill-and-resume is bit-identical, and that steps do not leak.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createResNet } from '@tumorxai/backbone-resnet';
import {
  AbortError,
  initBackend,
  type PretrainWarning,
  pretrain,
  tensorBatchSource,
} from '@tumorxai/core';
import { abortAndResume } from '@tumorxai/core/testing';
import { loadPhantomSplit, type PhantomSplit } from '@tumorxai/eval/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCLR, simclrViews } from '../src/index.js';

const SIDE = 32;
const PER_CLASS = 40; // 20 per class for pretraining and the k-NN memory, 20 held out
const root = mkdtempSync(join(tmpdir(), 'tumorxai-simclr-'));
let phantoms: PhantomSplit;

const tinyResNet = (seed: number) =>
  createResNet({ depth: 18, inputShape: [SIDE, SIDE, 1], widthMultiplier: 1 / 8, seed });

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
  phantoms = await loadPhantomSplit({ outDir: root, imagesPerClass: PER_CLASS, size: SIDE });
});

afterAll(() => {
  phantoms?.images.dispose();
  rmSync(root, { recursive: true, force: true });
});

const knnAccuracy = (backbone: tfl.LayersModel) => phantoms.knnAccuracy(backbone);

describe('SimCLR pretraining on phantoms (tiny ResNet-18, wasm)', () => {
  it('lowers the loss and beats the random-init backbone on k-NN for held-out phantoms', async () => {
    expect(phantoms.numClasses).toBe(17);
    const backbone = tinyResNet(1);
    const randomInit = await knnAccuracy(backbone);
    // Gentler crops than the MRI default: 100 steps are a tiny budget (see views.ts).
    const simclr = new SimCLR({
      backbone,
      views: simclrViews({ scale: [0.6, 1] }),
      temperature: 0.2,
      seed: 1,
    });
    const trainImages = tf.gather(phantoms.images, phantoms.trainIdx) as tf.Tensor4D;
    const warnings: PretrainWarning[] = [];
    const result = await pretrain(simclr, tensorBatchSource(trainImages, { seed: 1 }), {
      epochs: 10,
      batchSize: 32,
      seed: 1,
      onWarning: (w) => warnings.push(w),
    });
    trainImages.dispose();
    const pretrained = await knnAccuracy(simclr.exportBackbone());
    console.info(
      `SimCLR phantoms: epoch losses ${result.epochLosses.map((l) => l.toFixed(3)).join(' ')}; ` +
        `k-NN accuracy random init ${randomInit.toFixed(3)} → pretrained ${pretrained.toFixed(3)}`,
    );
    expect(result.steps).toBe(100);
    expect(result.epochLosses.at(-1)!).toBeLessThan(result.epochLosses[0]! - 0.4);
    expect(warnings).toHaveLength(0);
    expect(pretrained).toBeGreaterThanOrEqual(randomInit + 0.05);
    simclr.dispose();
    backbone.dispose();
  });

  it('resumes after an abort to bit-identical weights and optimiser state', async () => {
    const data = tf.gather(phantoms.images, phantoms.trainIdx.slice(0, 64)) as tf.Tensor4D;
    const run = await abortAndResume({
      create: (initSeed) => {
        const backbone = tinyResNet(initSeed);
        const method = new SimCLR({ backbone, seed: 2 });
        return {
          method,
          dispose: () => {
            method.dispose();
            backbone.dispose();
          },
        };
      },
      batches: () => tensorBatchSource(data, { seed: 4 }),
      options: { epochs: 2, batchSize: 16, seed: 3 },
      checkpointDir: join(root, 'resume'),
      abortAtStep: 3,
      // A fresh process: other initial weights, restored from the checkpoint.
      seeds: { run: 2, resume: 9 },
    });
    expect(run.abortError).toBeInstanceOf(AbortError);
    expect(run.resumedFrom).toBe(3);
    expect(run.actual).toEqual(run.expected);
    data.dispose();
  });

  it('keeps the tensor count flat across 20 train steps and after dispose', () => {
    const backbone = tinyResNet(5);
    const batch = tf.gather(phantoms.images, phantoms.trainIdx.slice(0, 8)) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const simclr = new SimCLR({ backbone, seed: 5 });
    simclr.trainStep(batch, { step: 0, totalSteps: 21 });
    const steady = tf.memory().numTensors;
    for (let step = 1; step <= 20; step++) {
      simclr.trainStep(batch, { step, totalSteps: 21 });
      expect(tf.memory().numTensors).toBe(steady);
    }
    simclr.dispose();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
    backbone.dispose();
  });
});
