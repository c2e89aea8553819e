/**
 * Minimal DINO pretraining: synthetic brain-MRI phantoms → tiny ResNet-18 → DINO (2 global + 2
 * local crops) → the teacher backbone, compared with its random initialisation by a k-NN probe on
 * held-out phantoms, and saved as a TensorFlow.js model. Runs in well under a minute on a laptop
 * CPU (wasm backend). A dozen steps show the API, not what DINO reaches: at this scale the k-NN
 * difference from random initialisation is within the noise of the split (why: the
 * `@tumorxai/ssl-dino` README, "What DINO learns in a short run").
 *
 *   node --conditions=source --import tsx examples/dino-minimal.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createResNet } from '@tumorxai/backbone-resnet';
import { AdamW, fileSystem, initBackend, pretrain, tensorBatchSource } from '@tumorxai/core';
import { knnEval } from '@tumorxai/eval';
import { generatePhantomDataset, loadImageFolder } from '@tumorxai/mri-preprocess';
import { DINO, dinoViews } from '@tumorxai/ssl-dino';

/** Options of {@link main}; the defaults are the example's. */
export interface DinoMinimalOptions {
  imagesPerClass?: number;
  size?: number;
  epochs?: number;
  batchSize?: number;
  /** Output dimension K of the DINO head (default 256). */
  outputDim?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** What {@link main} measured. */
export interface DinoMinimalResult {
  backend: string;
  epochLosses: number[];
  /** Teacher output entropy of every step (`log K` = uniform collapse, 0 = one-hot collapse). */
  teacherEntropy: number[];
  outputDim: number;
  /** Weighted k-NN accuracy (k = 20, T = 0.07) over the 17 classes of held-out phantoms. */
  knn: { randomInit: number; teacher: number };
  featureShape: number[];
  /** Where the teacher backbone was saved (`model.json` + `weights.bin`). */
  savedTo: string;
  seconds: number;
}

/** Runs the example and returns what it measured. */
export async function main(options: DinoMinimalOptions = {}): Promise<DinoMinimalResult> {
  const log = options.log ?? console.log;
  const seed = options.seed ?? 0;
  const size = options.size ?? 32;
  const outputDim = options.outputDim ?? 256;
  const started = performance.now();
  const backend = await initBackend('auto', { logger: null });
  const dir = await mkdtemp(join(tmpdir(), 'tumorxai-dino-'));
  try {
    await generatePhantomDataset({
      outDir: join(dir, 'phantoms'),
      imagesPerClass: options.imagesPerClass ?? 12,
      size: 64,
      seed,
    });
    const data = await loadImageFolder(join(dir, 'phantoms'), { size });
    // Hold out every third image of each class for the k-NN check; pretrain on the rest.
    const seen = new Map<number, number>();
    const train: number[] = [];
    const test: number[] = [];
    data.labels.forEach((label, i) => {
      const k = seen.get(label) ?? 0;
      seen.set(label, k + 1);
      (k % 3 === 2 ? test : train).push(i);
    });
    log(`backend ${backend}: ${train.length} training and ${test.length} held-out phantoms`);
    const knn = async (backbone: tfl.LayersModel) =>
      (
        await knnEval({
          backbone,
          numClasses: data.classes.length,
          train: { images: data.images, labels: data.labels, indices: train },
          test: { images: data.images, labels: data.labels, indices: test },
        })
      ).report.accuracy;

    // 1. A backbone that takes any image size ([null, null, 1]): the 32-px global crops and the
    //    16-px local crops go through the same network. Features: [N, 64].
    const backbone = createResNet({
      depth: 18,
      inputShape: [null, null, 1],
      widthMultiplier: 1 / 8,
      seed,
    });
    const randomInit = await knn(backbone);
    // 2. DINO around it: a small head, 2 global + 2 local crops, and a teacher momentum far
    //    from 1 so that the teacher follows the student within a dozen steps.
    const dino = new DINO({
      backbone,
      headOptions: { hiddenDim: 128, bottleneckDim: 64, outputDim },
      views: dinoViews({ localSize: size / 2, localCrops: 2, interpolation: 'bilinear' }),
      optimizer: new AdamW({ weightDecay: 0.04 }),
      learningRate: 1e-3,
      momentum: 0.95,
      teacherTemperature: 0.04,
      seed,
    });
    // 3. The shared training loop: progress, collapse monitor, checkpoints (resume: true continues).
    const trainImages = tf.gather(data.images, train) as tf.Tensor4D;
    const teacherEntropy: number[] = [];
    let epochLoss = 0;
    const result = await pretrain(dino, tensorBatchSource(trainImages, { seed }), {
      epochs: options.epochs ?? 6,
      batchSize: options.batchSize ?? 64,
      seed,
      checkpointDir: join(dir, 'checkpoints'),
      onProgress: (p) => {
        teacherEntropy.push(p.stats.teacherEntropy!);
        epochLoss += p.loss / p.stepsPerEpoch;
        if (p.stepInEpoch === p.stepsPerEpoch) {
          log(
            `epoch ${p.epoch + 1}/${p.totalSteps / p.stepsPerEpoch}: mean loss ${epochLoss.toFixed(3)}, teacher entropy ${p.stats.teacherEntropy!.toFixed(2)} (log K = ${Math.log(outputDim).toFixed(2)}), ${p.imagesPerSecond.toFixed(0)} images/s`,
          );
          epochLoss = 0;
        }
      },
      onWarning: (w) => log(w.message),
    });
    trainImages.dispose();
    // 4. The TEACHER backbone (what DINO evaluates); it is ours now and outlives dino.dispose().
    const encoder = dino.exportBackbone();
    const teacher = await knn(encoder);
    const featureShape = tf.tidy(
      () => (encoder.predict(tf.slice(data.images, 0, 1)) as tf.Tensor).shape,
    );
    const savedTo = join(dir, 'backbone');
    await encoder.save(fileSystem(savedTo));
    log(
      `k-NN accuracy on held-out phantoms (17 classes): random init ${randomInit.toFixed(3)}, DINO teacher ${teacher.toFixed(3)}`,
    );
    dino.dispose();
    encoder.dispose();
    backbone.dispose();
    data.images.dispose();
    return {
      backend,
      epochLosses: result.epochLosses,
      teacherEntropy,
      outputDim,
      knn: { randomInit, teacher },
      featureShape,
      savedTo,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { seconds } = await main();
  console.log(`done in ${seconds.toFixed(1)} s`);
}
