/**
 * Synthetic phantoms split for k-NN checks of pretrained backbones: what the SSL method tests
 * (and `bench/dino`) need to ask "does pretraining beat random initialisation on held-out
 * phantoms?".
 */
import { existsSync, readdirSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generatePhantomDataset, loadImageFolder } from '@tumorxai/mri-preprocess';
import { knnEval } from '../protocols/knn-eval.js';

/** Options of {@link loadPhantomSplit}. */
export interface PhantomSplitOptions {
  /** Folder of the phantoms: rendered there unless it already holds files (then reused). */
  outDir: string;
  /** Phantoms per class; the first half of each class is the train half. */
  imagesPerClass: number;
  /** Side the images are loaded at. */
  size: number;
  /** Side the phantoms are rendered at (default 96). */
  renderSize?: number;
  /** Seed of the phantom generator (default 1). */
  seed?: number;
}

/** Phantoms with a per-class train / held-out split, and k-NN on it. */
export interface PhantomSplit {
  /** `[N, size, size, 1]` in [0, 1]; owned by the caller (dispose it). */
  images: tf.Tensor4D;
  labels: Int32Array;
  numClasses: number;
  /** Indices of the first half of every class: the pretraining set and the k-NN memory. */
  trainIdx: number[];
  /** Indices of the second half of every class: held out. */
  testIdx: number[];
  /** Accuracy of `knnEval` (its defaults: k 20, T 0.07) of `backbone` from train onto held out. */
  knnAccuracy(backbone: tfl.LayersModel): Promise<number>;
}

/**
 * Renders (or reuses) `imagesPerClass` phantoms per class, loads them at `size` and splits each
 * class in half, in file order: deterministic, so that a margin measured once stays measured.
 *
 * @example
 * ```ts
 * const phantoms = await loadPhantomSplit({ outDir: tmp, imagesPerClass: 40, size: 32 });
 * const before = await phantoms.knnAccuracy(backbone);
 * ```
 */
export async function loadPhantomSplit(options: PhantomSplitOptions): Promise<PhantomSplit> {
  const { outDir, imagesPerClass, size } = options;
  if (!existsSync(outDir) || readdirSync(outDir).length === 0) {
    await generatePhantomDataset({
      outDir,
      imagesPerClass,
      size: options.renderSize ?? 96,
      seed: options.seed ?? 1,
    });
  }
  const { images, labels, classes } = await loadImageFolder(outDir, { size });
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  const seen = new Map<number, number>();
  labels.forEach((c, i) => {
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    (k < imagesPerClass / 2 ? trainIdx : testIdx).push(i);
  });
  const numClasses = classes.length;
  const knnAccuracy = async (backbone: tfl.LayersModel): Promise<number> => {
    const { report } = await knnEval({
      backbone,
      numClasses,
      train: { images, labels, indices: trainIdx },
      test: { images, labels, indices: testIdx },
    });
    return report.accuracy;
  };
  return { images, labels, numClasses, trainIdx, testIdx, knnAccuracy };
}
