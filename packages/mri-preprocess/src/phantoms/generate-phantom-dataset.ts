/**
 * The synthetic phantom dataset: the 17-class folder layout of the real dataset, filled with
 * rendered MRI-like JPEG slices, so every loader path runs without the real (non-downloadable)
 * data.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tumorxai/core';
import sharp from 'sharp';
import { MRI_FAMILIES, type MriSequence } from '../dataset/class-names.js';
import { deriveRng } from '../internal/derive-rng.js';
import { mapLimit } from '../internal/pool.js';
import type { PhantomFamily } from './lesions.js';
import { renderPhantom } from './render.js';

/** Options of {@link generatePhantomDataset}. */
export interface GeneratePhantomOptions {
  /** Folder to write into (created; files with the same names are replaced). */
  outDir: string;
  /** Images per class (17 classes). */
  imagesPerClass: number;
  /** Side in pixels (default 128). */
  size?: number;
  /** Seed (default 0): same seed, same pixels. */
  seed?: number;
  /** Fraction of files stored as 3-channel (RGB) JPEG, like part of the real data (default 0.1). */
  rgbFraction?: number;
  /** JPEG quality 1–100 (default 90). */
  quality?: number;
  /** Images encoded concurrently (default 2 × CPU cores). */
  concurrency?: number;
}

/** One generated class. */
export interface PhantomClass {
  name: string;
  family: string;
  sequence: MriSequence;
  count: number;
}

/** Summary of a generated dataset. */
export interface PhantomDataset {
  outDir: string;
  classes: PhantomClass[];
  files: string[];
}

const FAMILY_KEYS: Record<string, PhantomFamily> = {
  Glioma: 'glioma',
  Meningioma: 'meningioma',
  Neurocitoma: 'neurocitoma',
  'Outros Tipos de Lesões': 'outros',
  Schwannoma: 'schwannoma',
  NORMAL: 'normal',
};

/**
 * Writes a phantom dataset in the 17-folder layout with the real class names
 * (`Glioma (…) T1C+`, `_NORMAL T2`, …), as `<outDir>/<class>/<nnnn>.jpg`.
 *
 * Each image is an axial head slice (scalp, skull, cortex with gyri and sulci, white matter,
 * ventricles, texture, bias field, noise) in one of three contrasts — T1, T1C+ (enhancing dura,
 * choroid plexus and lesion rims) and T2 (bright CSF and oedema) — with a lesion whose
 * location, shape, margin and internal structure depend on the family: glioma (hemispheric,
 * infiltrative, necrotic core, thick irregular rim, oedema), meningioma (extra-axial, sharp,
 * homogeneous, dural tail), neurocytoma (intraventricular soap-bubble, hydrocephalus), other
 * lesions (abscess with thin capsule, simple cyst, or symmetric encephalopathy), schwannoma
 * (cerebellopontine "ice-cream cone", low slice), normal (none). Pose, head size, tissue
 * intensities, lesion size / position / rotation, bias and noise vary per image.
 *
 * Deterministic: image (class, i) depends only on (seed, class, i), not on concurrency.
 *
 * @returns The classes and written file paths.
 * @throws {ConfigError} on invalid options.
 * @example
 * ```ts
 * await generatePhantomDataset({ outDir: 'data/phantoms', imagesPerClass: 40, size: 128, seed: 0 });
 * const data = await loadImageFolder('data/phantoms', { size: 64 });
 * ```
 */
export async function generatePhantomDataset(
  options: GeneratePhantomOptions,
): Promise<PhantomDataset> {
  const fn = 'generatePhantomDataset';
  const { outDir, imagesPerClass } = options ?? ({} as GeneratePhantomOptions);
  const size = options.size ?? 128;
  const seed = options.seed ?? 0;
  const rgbFraction = options.rgbFraction ?? 0.1;
  const quality = options.quality ?? 90;
  const concurrency = options.concurrency ?? 2 * availableParallelism();
  if (typeof outDir !== 'string' || outDir.length === 0) {
    throw new ConfigError({ fn, problem: 'outDir must be a folder path', got: outDir });
  }
  const checks: Array<[string, unknown, boolean]> = [
    ['imagesPerClass', imagesPerClass, Number.isInteger(imagesPerClass) && imagesPerClass >= 1],
    ['size', size, Number.isInteger(size) && size >= 16 && size <= 4096],
    ['seed', seed, Number.isFinite(seed)],
    ['rgbFraction', rgbFraction, rgbFraction >= 0 && rgbFraction <= 1],
    ['quality', quality, Number.isInteger(quality) && quality >= 1 && quality <= 100],
    ['concurrency', concurrency, Number.isInteger(concurrency) && concurrency >= 1],
  ];
  for (const [name, value, ok] of checks) {
    if (!ok)
      throw new ConfigError({
        fn,
        problem: `${name} is invalid`,
        got: value,
        fix: 'See GeneratePhantomOptions',
      });
  }
  const classes: PhantomClass[] = MRI_FAMILIES.flatMap((f) =>
    f.sequences.map((sequence) => ({
      name: `${f.folder} ${sequence}`,
      family: f.family,
      sequence,
      count: imagesPerClass,
    })),
  );
  const jobs: Array<{ cls: PhantomClass; index: number; path: string }> = [];
  for (const cls of classes) {
    await mkdir(join(outDir, cls.name), { recursive: true });
    for (let index = 0; index < imagesPerClass; index++) {
      jobs.push({
        cls,
        index,
        path: join(outDir, cls.name, `${String(index).padStart(4, '0')}.jpg`),
      });
    }
  }
  await mapLimit(jobs, concurrency, async ({ cls, index, path }) => {
    const rng = deriveRng(seed, 'phantom', cls.name, index);
    const grey = renderPhantom(FAMILY_KEYS[cls.family]!, cls.sequence, size, rng);
    const rgb = rng.bernoulli(rgbFraction);
    const pixels = rgb
      ? Uint8Array.from({ length: grey.length * 3 }, (_, i) => grey[Math.floor(i / 3)]!)
      : grey;
    const input = sharp(pixels, { raw: { width: size, height: size, channels: rgb ? 3 : 1 } });
    const jpeg = await (rgb ? input : input.toColourspace('b-w')).jpeg({ quality }).toBuffer();
    await writeFile(path, jpeg);
  });
  return { outDir, classes, files: jobs.map((j) => j.path) };
}
