/**
 * End to end on the wasm backend: a tiny ResNet-18 pretrained with DINO on synthetic MRI
 * phantoms through `pretrain`, with 2 global + 2 local crops and a small output dimension.
 *
 * No k-NN check here: at this size DINO's teacher does not beat random initialisation on
 * held-out phantoms within a CPU-sized run (measured over seeds and ~40 configurations, README
 * "What DINO learns in a short run": train-mode BatchNorm on the 1×1 maps of a 32-px ResNet-18
 * makes two views of an image nearly uncorrelated, and the teacher drifts to uniform). Longer
 * runs, a teacher without batch statistics and the BYOL recipe did not change that (second round,
 * `bench/dino/phantom-knn.ts`). That the method learns is checked where it must, in
 * `learns-clusters.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createResNet } from '@tumorxai/backbone-resnet';
import {
  AdamW,
  initBackend,
  type PretrainProgress,
  pretrain,
  tensorBatchSource,
  weightsInCreationOrder,
} from '@tumorxai/core';
import { generatePhantomDataset, loadImageFolder } from '@tumorxai/mri-preprocess';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DINO, dinoViews } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-dino-pretrain-'));
let backendBefore = '';
beforeAll(async () => {
  backendBefore = tf.getBackend();
  await initBackend('wasm', { logger: null });
});
afterAll(async () => {
  await tf.setBackend(backendBefore);
  rmSync(root, { recursive: true, force: true });
});

const K = 256;

describe('DINO pretraining on phantoms (wasm)', () => {
  it('lowers the loss without collapsing, and exports a trained teacher backbone', async () => {
    await generatePhantomDataset({ outDir: root, imagesPerClass: 8, size: 64, seed: 4 });
    const { images } = await loadImageFolder(root, { size: 32 });
    expect(images.shape).toEqual([136, 32, 32, 1]);
    const backbone = createResNet({
      depth: 18,
      inputShape: [null, null, 1],
      widthMultiplier: 1 / 8,
      seed: 2,
    });
    const initial = weightsInCreationOrder(backbone).map((w) => Array.from(w.read().dataSync()));
    const dino = new DINO({
      backbone,
      headOptions: { hiddenDim: 128, bottleneckDim: 64, outputDim: K },
      views: dinoViews({ localSize: 16, localCrops: 2, interpolation: 'bilinear' }),
      optimizer: new AdamW({ weightDecay: 0.04 }),
      learningRate: 1e-3,
      momentum: 0.95, // a dozen steps: the teacher must follow the student
      teacherTemperature: 0.04,
      seed: 1,
    });
    const progress: PretrainProgress[] = [];
    const warnings: string[] = [];
    const result = await pretrain(dino, tensorBatchSource(images, { seed: 3 }), {
      epochs: 3,
      batchSize: 32,
      seed: 7,
      onProgress: (p) => progress.push(p),
      onWarning: (w) => warnings.push(w.message),
    });
    expect(result.steps).toBe(12);
    // The student learns to predict the teacher across views: the epoch loss falls.
    const [first, , last] = result.epochLosses as [number, number, number];
    expect(last).toBeLessThan(first - 0.2);
    // Neither collapse: the centred, sharpened teacher distribution is never uniform (log K) nor
    // one-hot (0) — and the collapse monitor stayed quiet.
    for (const p of progress) {
      expect(p.stats.teacherEntropy).toBeGreaterThan(0.5);
      expect(p.stats.teacherEntropy).toBeLessThan(Math.log(K) - 0.5);
      expect(p.stats.lastLayerFrozen).toBe(p.epoch === 0 ? 1 : 0);
    }
    expect(warnings).toEqual([]);
    // The exported teacher moved away from the initial weights but is not the student.
    const teacher = dino.exportBackbone();
    expect(teacher).not.toBe(backbone);
    const moved = weightsInCreationOrder(teacher).filter(
      (w, i) => w.trainable && Array.from(w.read().dataSync()).some((v, k) => v !== initial[i]![k]),
    );
    expect(moved.length).toBe(backbone.trainableWeights.length);
    const features = tf.tidy(() =>
      (teacher.predict(tf.slice(images, 0, 4)) as tf.Tensor).arraySync(),
    );
    expect((features as number[][]).map((row) => row.length)).toEqual([64, 64, 64, 64]);
    dino.dispose();
    teacher.dispose();
    backbone.dispose();
    images.dispose();
  });
});
