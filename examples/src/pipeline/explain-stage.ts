/**
 * Stages `explain:<model>`: the CAM gallery of each pretrained backbone (with its linear-probe
 * classifier on all labels) and of the supervised baseline, as `cam-<model>.png`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readSafetensors, writeFileAtomic } from '@tumorxai/core';
import { attachClassifier, shortClassName } from '@tumorxai/eval';
import type { ExperimentConfig } from '../config/schema.js';
import type { Reporter } from '../run/progress.js';
import type { RunDir } from '../run/run-dir.js';
import { camFigure } from './cam-figure.js';
import type { PreparedData } from './dataset.js';
import { headPath, supervisedModelPath } from './evaluate-stage.js';
import { loadModelFile } from './model-file.js';

/** File name of a model's gallery. */
export const galleryFile = (name: string) => `cam-${name}.png`;

/** The first test image of each class, for the first `count` classes that have one. */
function galleryIndices(prepared: PreparedData, count: number): number[] {
  const picked = new Map<number, number>();
  const { indices, labels } = prepared.split.test;
  for (let k = 0; k < indices.length && picked.size < count; k++) {
    if (!picked.has(labels[k]!)) picked.set(labels[k]!, indices[k]!);
  }
  return [...picked.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => i);
}

async function gallery(
  run: RunDir,
  name: string,
  classifier: tfl.LayersModel,
  prepared: PreparedData,
  config: ExperimentConfig,
): Promise<Record<string, unknown>> {
  const settings = config.explain!;
  const chosen = galleryIndices(prepared, settings.images);
  const images = tf.gather(prepared.data.images, chosen) as tf.Tensor4D;
  try {
    const short = (c: number) => shortClassName(prepared.classNames[c] ?? `class ${c}`);
    const truth = chosen.map((index) => prepared.data.labels[index]!);
    const figure = await camFigure(classifier, images, settings.cams, {
      panelSize: settings.panelSize,
      targetLayer: settings.targetLayer,
      title: `${name}: ${settings.cams.length} CAMs of the predicted class at ${settings.targetLayer ?? 'the last block'}`,
      rowLabels: (predicted, confidence) =>
        predicted.map(
          (c, k) =>
            `${short(truth[k]!)} → ${c === truth[k] ? '✓' : `${short(c)} ✗`} (p ${confidence[k]!.toFixed(2)})`,
        ),
    });
    writeFileAtomic(run.path(galleryFile(name)), figure.png);
    const rows = chosen.map((index, k) => ({
      layer: settings.targetLayer ?? 'last block',
      image: prepared.data.paths[index],
      trueClass: prepared.classNames[prepared.data.labels[index]!],
      predictedClass: prepared.classNames[figure.predicted[k]!],
      confidence: figure.confidence[k],
    }));
    writeFileAtomic(
      run.path(`cam-${name}.json`),
      `${JSON.stringify({ cams: settings.cams, rows }, null, 2)}\n`,
    );
    return { file: galleryFile(name), images: rows.length };
  } finally {
    images.dispose();
  }
}

/** Runs the gallery stages for each backbone (name → file) and the supervised baseline. */
export async function explainStages(
  run: RunDir,
  config: ExperimentConfig,
  backbones: Readonly<Record<string, string>>,
  prepared: PreparedData,
  reporter: Reporter,
): Promise<string[]> {
  if (!config.explain || !config.evaluation.linearProbe) return [];
  const files: string[] = [];
  const full = Math.max(...config.evaluation.labelFractions);
  for (const [method, path] of Object.entries(backbones)) {
    const head = headPath(run, method, full);
    if (!existsSync(head)) continue;
    files.push(galleryFile(method));
    await run.stage(`explain:${method}`, async () => {
      const { model: backbone } = loadModelFile(path);
      const weights = readSafetensors(readFileSync(head));
      const classifier = attachClassifier(backbone, prepared.classNames.length, {
        head: { weight: weights.weight as tf.Tensor2D, bias: weights.bias as tf.Tensor1D },
      });
      tf.dispose(Object.values(weights));
      try {
        return await gallery(run, method, classifier, prepared, config);
      } finally {
        classifier.dispose(); // frees the shared backbone too
      }
    });
  }
  if (existsSync(supervisedModelPath(run))) {
    files.push(galleryFile('supervised'));
    await run.stage('explain:supervised', async () => {
      const { model } = loadModelFile(supervisedModelPath(run));
      try {
        return await gallery(run, 'supervised', model, prepared, config);
      } finally {
        model.dispose();
      }
    });
  }
  if (files.length) reporter.log(`CAM galleries: ${files.join(', ')}`);
  return files;
}
