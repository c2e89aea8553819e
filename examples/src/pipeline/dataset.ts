/**
 * The dataset of a run: the folder (or generated phantoms), loaded and preprocessed once into a
 * tensor, with a leak-free stratified split, nested label fractions and a duplicate report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@tumorxai/core';
import {
  type DatasetSplit,
  findDuplicates,
  generatePhantomDataset,
  type ImageFolderDataset,
  labelFraction,
  loadImageFolder,
  type SplitSubset,
  stratifiedSplit,
} from '@tumorxai/mri-preprocess';
import type { ExperimentConfig } from '../config/schema.js';
import type { Reporter } from '../run/progress.js';
import type { RunDir } from '../run/run-dir.js';

/** A loaded, split dataset. The caller disposes `data.images`. */
export interface PreparedData {
  root: string;
  data: ImageFolderDataset;
  classNames: string[];
  split: DatasetSplit;
  /** Label fraction → its subset of `split.train` (nested: 1 % ⊂ 10 % ⊂ 100 %). */
  fractions: Map<number, SplitSubset>;
}

/**
 * The phantom folder for `config` under `cacheDir`, generated once (a `<folder>.complete` marker
 * beside it makes an interrupted generation start over).
 */
export async function phantomRoot(
  config: ExperimentConfig,
  cacheDir: string,
  reporter: Reporter,
): Promise<string> {
  const { imagesPerClass, size, seed } = config.data.phantoms;
  const root = resolve(cacheDir, 'phantoms', `${imagesPerClass}x${size}-seed${seed}`);
  const marker = `${root}.complete`;
  if (existsSync(marker)) {
    reporter.log(`Phantoms: ${root} (cached)`);
    return root;
  }
  reporter.log(`Phantoms: generating ${17 * imagesPerClass} images (${size} px) in ${root}`);
  await generatePhantomDataset({ outDir: root, imagesPerClass, size, seed });
  writeFileAtomic(marker, `${new Date().toISOString()}\n`);
  return root;
}

/** What the `data` stage saves in `data.json`. */
interface SavedSplit {
  duplicates: string[][];
  train: number[];
  val: number[];
  test: number[];
}

function subsetOf(indices: readonly number[], data: ImageFolderDataset): SplitSubset {
  return {
    indices: Int32Array.from(indices),
    labels: Int32Array.from(indices, (i) => data.labels[i]!),
    groups: Int32Array.from(indices),
  };
}

/**
 * Loads `root` (stage `data` computes the duplicate groups and the split once and saves them in
 * `data.json`; later sessions reuse them).
 */
export async function prepareData(
  run: RunDir,
  config: ExperimentConfig,
  root: string,
  cacheDir: string,
  reporter: Reporter,
): Promise<PreparedData> {
  const bar = reporter.bar('load images', 1);
  const data = await loadImageFolder(root, {
    size: config.data.imageSize,
    channels: config.data.channels,
    cropToForeground: config.data.cropToForeground,
    cacheDir: join(cacheDir, 'images'),
    onProgress: (done, total) => bar.update(done / Math.max(total, 1)),
  });
  bar.stop();
  reporter.log(
    `Data: ${data.labels.length} images in ${data.classes.length} classes from ${root} (cache ${data.cache})` +
      (data.skipped.length ? `, ${data.skipped.length} skipped` : ''),
  );
  const savedPath = run.path('data.json');
  await run.stage('data', async () => {
    const duplicates = config.data.findDuplicates ? await findDuplicates(root) : [];
    const split = stratifiedSplit(data, { ...config.data.split, seed: config.seed, duplicates });
    const side = new Map<string, string>();
    for (const part of ['train', 'val', 'test'] as const) {
      for (const i of split[part].indices) side.set(data.paths[i]!, part);
    }
    const crossSplit = duplicates.filter((g) => new Set(g.map((p) => side.get(p))).size > 1);
    const saved = {
      root,
      classes: data.classes.map((c) => ({ id: c.id, name: c.name, count: c.count })),
      skipped: data.skipped,
      duplicateGroups: duplicates.length,
      duplicateImages: duplicates.reduce((a, g) => a + g.length, 0),
      crossSplitDuplicateGroups: crossSplit.length,
      duplicates,
      train: Array.from(split.train.indices),
      val: Array.from(split.val.indices),
      test: Array.from(split.test.indices),
    };
    writeFileAtomic(savedPath, `${JSON.stringify(saved, null, 1)}\n`);
    reporter.log(
      `Duplicates: ${saved.duplicateGroups} groups (${saved.duplicateImages} images), each kept in one split; ` +
        `split train ${saved.train.length} / val ${saved.val.length} / test ${saved.test.length}`,
    );
    return {
      images: data.labels.length,
      duplicateGroups: saved.duplicateGroups,
      duplicateImages: saved.duplicateImages,
      crossSplitDuplicateGroups: saved.crossSplitDuplicateGroups,
      skipped: saved.skipped.length,
      train: saved.train.length,
      val: saved.val.length,
      test: saved.test.length,
    };
  });
  const saved = JSON.parse(readFileSync(savedPath, 'utf8')) as SavedSplit;
  const split: DatasetSplit = {
    train: subsetOf(saved.train, data),
    val: subsetOf(saved.val, data),
    test: subsetOf(saved.test, data),
  };
  // Duplicate groups must stay whole inside each fraction too.
  const groupOf = new Map<string, number>();
  saved.duplicates.forEach((g, k) => {
    for (const p of g) groupOf.set(p, k);
  });
  split.train.groups = Int32Array.from(split.train.indices, (i) => {
    const g = groupOf.get(data.paths[i]!);
    return g === undefined ? data.labels.length + i : g;
  });
  const fractions = new Map<number, SplitSubset>();
  for (const f of config.evaluation.labelFractions) {
    fractions.set(f, f >= 1 ? split.train : labelFraction(split.train, f, config.seed));
  }
  return { root, data, classNames: data.classes.map((c) => c.name), split, fractions };
}
