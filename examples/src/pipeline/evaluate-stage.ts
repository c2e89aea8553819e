/**
 * Stages `evaluate:<backbone>:<protocol>:<fraction>`: linear probe, k-NN and fine-tuning of a
 * backbone, and the supervised baseline, each writing one results row to `eval/<slug>.json`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeSafetensors } from '@tumorxai/core';
import {
  type EvalProgress,
  type EvaluationResult,
  extractFeatures,
  fineTune,
  knnEval,
  linearProbe,
  type ResultRow,
  resultRow,
  rowSlug,
  trainSupervised,
} from '@tumorxai/eval';
import { type ExperimentConfig, forFraction } from '../config/schema.js';
import type { Bar, Reporter } from '../run/progress.js';
import type { RunDir } from '../run/run-dir.js';
import type { PreparedData } from './dataset.js';
import { saveModelFile } from './model-file.js';
import { createBackbone } from './pretrain-stage.js';

/** Context of the evaluation stages. */
export interface EvalContext {
  reporter: Reporter;
  signal: AbortSignal;
}

const stageName = (method: string, protocol: string, f: number) =>
  `evaluate:${method}:${protocol}:${f}`;

/** Path of a row's JSON inside the run. */
export function rowPath(
  run: RunDir,
  method: string,
  protocol: string,
  labelFraction: number,
): string {
  return run.path('eval', `${rowSlug({ method, protocol, labelFraction })}.json`);
}

/** The file of the linear-probe head of `method` at `labelFraction` (used by the CAM gallery). */
export function headPath(run: RunDir, method: string, labelFraction: number): string {
  return run.path(
    'eval',
    `${rowSlug({ method, protocol: 'linear-probe', labelFraction })}.head.safetensors`,
  );
}

/** The file of the supervised baseline trained on all labels (used by the CAM gallery). */
export function supervisedModelPath(run: RunDir): string {
  return run.path('eval', 'supervised-model.safetensors');
}

/** Progress events → one bar per phase (features, train, predict). */
function progressTo(reporter: Reporter, label: string): (p: EvalProgress) => void {
  let current: Bar | null = null;
  let phase = '';
  return (p) => {
    if (p.phase !== phase || current === null) {
      current?.stop();
      current = reporter.bar(`${label} ${p.phase}`, p.totalSteps);
      phase = p.phase;
    }
    current.update(p.step, { imagesPerSecond: p.imagesPerSecond, loss: p.loss });
    if (p.step === p.totalSteps) {
      current.stop();
      current = null;
    }
  };
}

function saveRow(
  run: RunDir,
  method: string,
  labelFraction: number,
  result: EvaluationResult,
): ResultRow {
  const row = resultRow(method, labelFraction, result);
  writeFileAtomic(rowPath(run, method, result.protocol, labelFraction), `${JSON.stringify(row)}\n`);
  return row;
}

const summary = (row: ResultRow) => ({
  accuracy: row.accuracy,
  accuracyCi: row.accuracyCi,
  macroF1: row.macroF1,
  trainSize: row.trainSize,
});

/**
 * Linear probe, k-NN and fine-tuning of `backbone` (named `method` in the results) at every
 * label fraction. Features are extracted once, and only when a probe stage is left to run.
 */
export async function evaluateBackbone(
  run: RunDir,
  config: ExperimentConfig,
  method: string,
  backbone: tfl.LayersModel,
  prepared: PreparedData,
  context: EvalContext,
  options: { fineTune: boolean },
): Promise<void> {
  const { evaluation } = config;
  const { data, split, fractions, classNames } = prepared;
  const numClasses = classNames.length;
  const bootstrap = {
    resamples: evaluation.bootstrap.resamples,
    confidence: evaluation.bootstrap.confidence,
    seed: config.seed,
  };
  let features: { train: tf.Tensor2D; test: tf.Tensor2D } | null = null;
  const getFeatures = async () => {
    if (!features) {
      const common = { batchSize: evaluation.batchSize, signal: context.signal };
      const train = await extractFeatures(
        backbone,
        { images: data.images, indices: split.train.indices },
        {
          ...common,
          onProgress: progressTo(context.reporter, `${method} train`),
        },
      );
      const test = await extractFeatures(
        backbone,
        { images: data.images, indices: split.test.indices },
        {
          ...common,
          onProgress: progressTo(context.reporter, `${method} test`),
        },
      );
      features = { train, test };
    }
    return features;
  };
  const position = new Map(Array.from(split.train.indices, (index, k) => [index, k]));
  const trainLabels = split.train.labels;
  const testLabels = split.test.labels;
  try {
    for (const f of evaluation.labelFractions) {
      const subset = Int32Array.from(fractions.get(f)!.indices, (i) => position.get(i)!);
      const probe = evaluation.linearProbe;
      if (probe) {
        await run.stage(stageName(method, 'linear-probe', f), async () => {
          const { train, test } = await getFeatures();
          const result = await linearProbe({
            numClasses,
            classNames,
            train: { features: train, labels: trainLabels, indices: subset },
            test: { features: test, labels: testLabels },
            epochs: forFraction(probe.epochs, f),
            batchSize: probe.batchSize,
            learningRate: probe.learningRate,
            optimizer: probe.optimizer,
            weightDecay: probe.weightDecay,
            seed: config.seed,
            bootstrap,
            signal: context.signal,
          });
          writeFileAtomic(
            headPath(run, method, f),
            writeSafetensors({ weight: result.head.weight, bias: result.head.bias }),
          );
          tf.dispose([result.head.weight, result.head.bias]);
          return summary(saveRow(run, method, f, result));
        });
      }
      if (evaluation.knn) {
        const { k, temperature } = evaluation.knn;
        await run.stage(stageName(method, 'knn', f), async () => {
          const { train, test } = await getFeatures();
          const result = await knnEval({
            numClasses,
            classNames,
            train: { features: train, labels: trainLabels, indices: subset },
            test: { features: test, labels: testLabels },
            k,
            temperature,
            bootstrap,
            signal: context.signal,
          });
          return summary(saveRow(run, method, f, result));
        });
      }
      const tune = evaluation.fineTune;
      if (tune && options.fineTune) {
        await run.stage(stageName(method, 'fine-tune', f), async () => {
          const result = await fineTune({
            backbone,
            numClasses,
            classNames,
            train: { images: data.images, labels: data.labels, indices: fractions.get(f)!.indices },
            test: { images: data.images, labels: data.labels, indices: split.test.indices },
            epochs: forFraction(tune.epochs, f),
            batchSize: tune.batchSize,
            learningRate: tune.learningRate,
            weightDecay: tune.weightDecay,
            warmupEpochs: tune.warmupEpochs,
            augment: tune.augment ? undefined : null,
            evalBatchSize: evaluation.batchSize,
            seed: config.seed,
            bootstrap,
            signal: context.signal,
            onProgress: progressTo(context.reporter, `fine-tune ${method} ${f}`),
          });
          result.model.dispose();
          return summary(saveRow(run, method, f, result));
        });
      }
    }
  } finally {
    const held = features as { train: tf.Tensor; test: tf.Tensor } | null;
    if (held) tf.dispose([held.train, held.test]);
  }
}

/** The supervised baseline at every label fraction (stage `evaluate:supervised:supervised:<f>`). */
export async function evaluateSupervised(
  run: RunDir,
  config: ExperimentConfig,
  prepared: PreparedData,
  context: EvalContext,
): Promise<void> {
  const settings = config.evaluation.supervised;
  if (!settings) return;
  const { data, split, fractions, classNames } = prepared;
  const largest = Math.max(...config.evaluation.labelFractions);
  for (const f of config.evaluation.labelFractions) {
    await run.stage(stageName('supervised', 'supervised', f), async () => {
      const fresh = createBackbone(config, config.seed + 1);
      try {
        const result = await trainSupervised({
          backbone: fresh,
          numClasses: classNames.length,
          classNames,
          train: { images: data.images, labels: data.labels, indices: fractions.get(f)!.indices },
          test: { images: data.images, labels: data.labels, indices: split.test.indices },
          epochs: forFraction(settings.epochs, f),
          batchSize: settings.batchSize,
          learningRate: settings.learningRate,
          weightDecay: settings.weightDecay,
          warmupEpochs: settings.warmupEpochs,
          augment: settings.augment ? undefined : null,
          evalBatchSize: config.evaluation.batchSize,
          seed: config.seed,
          bootstrap: { ...config.evaluation.bootstrap, seed: config.seed },
          signal: context.signal,
          onProgress: progressTo(context.reporter, `supervised ${f}`),
        });
        if (f === largest) {
          saveModelFile(supervisedModelPath(run), result.model, {
            depth: config.backbone.depth,
            widthMultiplier: config.backbone.widthMultiplier,
            inputShape: [config.data.imageSize, config.data.imageSize, config.data.channels],
            numClasses: classNames.length,
            classNames,
            source: 'supervised',
            cropToForeground: config.data.cropToForeground,
          });
        }
        result.model.dispose();
        return summary(saveRow(run, 'supervised', f, result));
      } finally {
        fresh.dispose();
      }
    });
  }
}

/** Every results row saved in the run, in file-name order. */
export function savedRows(run: RunDir): ResultRow[] {
  const folder = join(run.dir, 'eval');
  let files: string[] = [];
  try {
    files = readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as ResultRow);
}
