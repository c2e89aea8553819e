/**
 * DINO on phantoms: does the teacher backbone beat random initialisation on k-NN for held-out
 * phantoms? The experiment behind ssl-dino's README "What DINO learns in a short run"
 * (issue #7), one configuration per run:
 *
 *   node --conditions=source --import tsx bench/dino/phantom-knn.ts seed=1 steps=150 [key=value …]
 *
 * Data: 17 classes × `per` phantoms (default 40) rendered at 96 px and loaded at `side` px (32);
 * the first half of every class is the pretraining set and the k-NN memory, the second half is
 * held out. Backbone: ResNet-18, `width` (1/8), `inputShape` `[null, null, 1]`. k-NN: `knnEval`
 * (k 20, T 0.07, inference mode) before pretraining and on the exported teacher.
 *
 * Keys (defaults = the recipe of ssl-dino's `test/pretrain.test.ts`): `seed` (backbone, DINO,
 * shuffling), `steps` (150), `every` (k-NN of the teacher every n steps, 0 = never), `bs` (32),
 * `side`, `width`, `K` (256), `opt` (adamw | lars | sgd), `lr` (1e-3, constant), `wd` (0.04),
 * `m` (teacher momentum 0.95; `mcos=1` for a cosine m → 1), `tt` (τ_t 0.04), `ts` (τ_s 0.1),
 * `locals` (2, at side/2 px), `gmin` (minimum global crop scale 0.4), `flip` (0.5), `jitter`
 * (probability 0.8), `blur` (maximum σ 2 px; 0.1 is no blur), `sol` (0.2), and the BatchNorm mode of
 * each network: `teacher=batch` (DINO's: training mode) | `running` (inference mode: the teacher
 * never updates its running statistics, so they stay at their initial values) | `student-stats`
 * (inference mode with the student's running statistics, copied after every step), and
 * `student=batch | running`.
 *
 * Prints the k-NN trajectory and one `RESULT` line. Wall times on a shared machine are noise.
 */
import '@tensorflow/tfjs-backend-wasm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createResNet } from '@tumorxai/backbone-resnet';
import { AdamW, cosineSchedule, createRng, initBackend, LARS, SGD } from '@tumorxai/core';
import { loadPhantomSplit } from '@tumorxai/eval/testing';
import { DINO, dinoViews } from '@tumorxai/ssl-dino';

const args = new Map(process.argv.slice(2).map((a) => a.split('=') as [string, string]));
const num = (key: string, fallback: number): number => Number(args.get(key) ?? fallback);
const str = (key: string, fallback: string): string => args.get(key) ?? fallback;

/** Makes `model` run in inference mode (BN with running statistics) whatever its caller asks. */
function inferenceModeOnly(model: tfl.LayersModel): void {
  const apply = model.apply.bind(model);
  model.apply = (inputs, kwargs) => apply(inputs, { ...kwargs, training: false });
}

/** Copies the non-trainable weights (BN running statistics) of `from` into `to`, by name. */
function copyRunningStatistics(from: tfl.LayersModel, to: tfl.LayersModel): void {
  const byName = new Map(to.weights.map((w) => [w.originalName, w]));
  for (const w of from.weights) {
    if (w.trainable) continue;
    const target = byName.get(w.originalName);
    if (!target) throw new Error(`no weight ${w.originalName} in the teacher`);
    target.write(w.read());
  }
}

function makeOptimizer() {
  const kind = str('opt', 'adamw');
  if (kind === 'lars') return new LARS({ weightDecay: num('wd', 1.5e-6) });
  if (kind === 'sgd') return new SGD({ momentum: 0.9, weightDecay: num('wd', 1e-4) });
  return new AdamW({ weightDecay: num('wd', 0.04) });
}

async function main(): Promise<void> {
  await initBackend('wasm', { logger: null });
  const side = num('side', 32);
  const per = num('per', 40);
  const seed = num('seed', 1);
  const {
    images,
    trainIdx,
    knnAccuracy: knn,
  } = await loadPhantomSplit({
    outDir: join(tmpdir(), `tumorxai-dino-phantoms-${per}`),
    imagesPerClass: per,
    size: side,
  });

  const backbone = createResNet({
    depth: 18,
    inputShape: [null, null, 1],
    widthMultiplier: num('width', 1 / 8),
    seed,
  });
  const randomInit = await knn(backbone);
  const K = num('K', 256);
  const lr = num('lr', 1e-3);
  const m = num('m', 0.95);
  const dino = new DINO({
    backbone,
    headOptions: { hiddenDim: 128, bottleneckDim: 64, outputDim: K },
    views: dinoViews({
      localSize: side / 2,
      localCrops: num('locals', 2),
      globalScale: [num('gmin', 0.4), 1],
      flipP: num('flip', 0.5),
      jitterP: num('jitter', 0.8),
      blurSigma: [0.1, num('blur', 2)],
      solarizeP: num('sol', 0.2),
      interpolation: 'bilinear',
    }),
    optimizer: makeOptimizer(),
    learningRate: lr,
    momentum: str('mcos', '0') === '1' ? (s, total) => cosineSchedule(s, total, m, 1) : m,
    teacherTemperature: num('tt', 0.04),
    studentTemperature: num('ts', 0.1),
    freezeLastLayerEpochs: 0,
    seed,
  });
  const [teacherBackbone, teacherHead] = dino.teacher.networks as [
    tfl.LayersModel,
    tfl.LayersModel,
  ];
  const teacherMode = str('teacher', 'batch');
  if (teacherMode !== 'batch') [teacherBackbone, teacherHead].forEach(inferenceModeOnly);
  if (str('student', 'batch') === 'running') inferenceModeOnly(backbone);

  const trainImages = tf.gather(images, trainIdx) as tf.Tensor4D;
  const batchSize = num('bs', 32);
  const stepsPerEpoch = Math.floor(trainIdx.length / batchSize);
  const totalSteps = num('steps', 150);
  const every = num('every', 50);
  const rng = createRng(seed);
  const trajectory: string[] = [];
  const entropies: number[] = [];
  const losses: number[] = [];
  let order = rng.permutation(trainIdx.length);
  for (let step = 0; step < totalSteps; step++) {
    const b = step % stepsPerEpoch;
    if (b === 0 && step > 0) order = rng.permutation(trainIdx.length);
    const batch = tf.gather(trainImages, order.slice(b * batchSize, (b + 1) * batchSize));
    const result = dino.trainStep(batch as tf.Tensor4D, {
      step,
      totalSteps,
      epoch: Math.floor(step / stepsPerEpoch),
      stepsPerEpoch,
      rng: rng.fork(`step ${step}`),
    });
    batch.dispose();
    if (teacherMode === 'student-stats') {
      copyRunningStatistics(backbone, teacherBackbone);
      copyRunningStatistics(dino.head, teacherHead);
    }
    losses.push(result.loss);
    entropies.push(result.stats.teacherEntropy ?? Number.NaN);
    if (every > 0 && (step + 1) % every === 0 && step + 1 < totalSteps) {
      const h = entropies.at(-1)!.toFixed(2);
      trajectory.push(`${step + 1}: ${(await knn(teacherBackbone)).toFixed(3)} (H ${h})`);
    }
  }
  trainImages.dispose();
  const teacher = await knn(dino.exportBackbone());
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const head = (xs: number[]) => mean(xs.slice(0, stepsPerEpoch)).toFixed(2);
  const tail = (xs: number[]) => mean(xs.slice(-stepsPerEpoch)).toFixed(2);
  console.log(`teacher k-NN every ${every} steps: ${trajectory.join(', ')}`);
  console.log(
    `RESULT ${process.argv.slice(2).join(' ')} | loss ${head(losses)} → ${tail(losses)}, ` +
      `teacher entropy ${head(entropies)} → ${tail(entropies)} (log K ${Math.log(K).toFixed(2)}) | ` +
      `k-NN random init ${randomInit.toFixed(3)} → teacher ${teacher.toFixed(3)} ` +
      `(Δ ${(teacher - randomInit).toFixed(3)})`,
  );
}

await main();
