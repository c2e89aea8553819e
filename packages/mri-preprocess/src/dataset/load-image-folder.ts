/**
 * Loads a class-per-folder MRI dataset into one NHWC tensor: scan → decode (sharp) → preprocess
 * → stack, with an optional on-disk cache of the result.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError, IOError } from '@tumorxai/core';
import { decodeImage } from '../image/decode-image.js';
import { writeChannels } from '../image/gray-image.js';
import {
  type PreprocessOptions,
  preprocessImage,
  resolvePreprocessOptions,
} from '../image/preprocess.js';
import { mapLimit } from '../internal/pool.js';
import {
  CACHE_FORMAT,
  type CacheFingerprint,
  type CacheManifest,
  cacheKey,
  readCache,
  writeCache,
} from './cache.js';
import type { MriSequence } from './class-names.js';
import {
  type ImageClass,
  type ImageFolderScan,
  type ScanImageFolderOptions,
  type SkippedFile,
  scanImageFolder,
} from './scan-image-folder.js';

/** Options of {@link loadImageFolder}: preprocessing plus loading. */
export interface LoadImageFolderOptions extends PreprocessOptions {
  /** Channels of the output tensor: 1 (default) or 3 (the grey plane repeated, for RGB stems). */
  channels?: 1 | 3;
  /** Folder for the preprocessed cache; no cache when omitted. */
  cacheDir?: string;
  /**
   * How files enter the cache key: `'stat'` (default: relative path, size, mtime; instant) or
   * `'content'` (SHA-256 of every file; survives `touch`/copies that change mtimes, costs a read).
   */
  cacheFingerprint?: CacheFingerprint;
  /** Images decoded concurrently (default 2 × CPU cores). */
  concurrency?: number;
  /** Scan options (accepted extensions). */
  scan?: ScanImageFolderOptions;
  /** Called after each decoded image with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Result of {@link loadImageFolder}. The caller owns `images` and must dispose it. */
export interface ImageFolderDataset {
  /** `[N, H, W, channels]` float32. */
  images: tf.Tensor4D;
  /** Class id per image. */
  labels: Int32Array;
  /** Family id per image (index into `families`). */
  familyLabels: Int32Array;
  /** Sequence id per image (index into `sequences`, -1 when the class has none). */
  sequenceLabels: Int32Array;
  /** Classes as scanned, with `count` = images actually loaded. */
  classes: ImageClass[];
  families: string[];
  sequences: MriSequence[];
  /** Path (as on disk) of each image, aligned with `labels`. */
  paths: string[];
  /** Every skipped entry: the scan's plus each file that failed to decode (`decode-failed`). */
  skipped: SkippedFile[];
  /** Cache outcome: `'hit'` (read back), `'written'`, or `'off'`. */
  cache: 'hit' | 'written' | 'off';
}

function checkOptions(options: LoadImageFolderOptions) {
  const resolved = resolvePreprocessOptions('loadImageFolder', options);
  const channels = options.channels ?? 1;
  if (channels !== 1 && channels !== 3) {
    throw new ConfigError({
      fn: 'loadImageFolder',
      problem: 'channels must be 1 or 3',
      got: channels,
    });
  }
  const fingerprint = options.cacheFingerprint ?? 'stat';
  if (fingerprint !== 'stat' && fingerprint !== 'content') {
    throw new ConfigError({
      fn: 'loadImageFolder',
      problem: 'unknown cacheFingerprint',
      expected: 'stat | content',
      got: fingerprint,
    });
  }
  const concurrency = options.concurrency ?? 2 * availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError({
      fn: 'loadImageFolder',
      problem: 'concurrency must be a positive integer',
      got: concurrency,
    });
  }
  return { resolved, channels, fingerprint, concurrency };
}

function finish(
  scan: ImageFolderScan,
  images: Float32Array,
  shape: [number, number, number, number],
  labels: Int32Array,
  paths: string[],
  skipped: SkippedFile[],
  cache: ImageFolderDataset['cache'],
): ImageFolderDataset {
  const counts = new Int32Array(scan.classes.length);
  for (const l of labels) counts[l]!++;
  const classes = scan.classes.map((c) => ({ ...c, count: counts[c.id]! }));
  return {
    images: tf.tensor4d(images, shape, 'float32'),
    labels,
    familyLabels: labels.map((l) => classes[l]!.familyId),
    sequenceLabels: labels.map((l) => classes[l]!.sequenceId),
    classes,
    families: scan.families,
    sequences: scan.sequences,
    paths,
    skipped,
    cache,
  };
}

/**
 * Loads every image of a class-per-folder dataset ({@link scanImageFolder}) as one NHWC float32
 * tensor, preprocessed by {@link preprocessImage} (crop to head, resize, normalise).
 *
 * One bad file never stops a run: files that fail to decode are listed in `skipped` with code
 * `'decode-failed'`. With `cacheDir`, the result is written once (safetensors + JSON manifest,
 * atomically) and read back on the next call with the same files and options.
 *
 * @param root Folder holding one sub-folder per class.
 * @returns A dataset whose `images` the caller must dispose.
 * @throws {IOError} when `root` is missing; {@link DataError} when nothing could be decoded.
 * @throws {ConfigError} on invalid options.
 * @example
 * ```ts
 * const data = await loadImageFolder('data/brain-mri-17', {
 *   size: 224, cropToForeground: true, normalize: 'percentile', cacheDir: '.cache',
 * });
 * data.images.shape; // [4448, 224, 224, 1]
 * data.images.dispose();
 * ```
 */
export async function loadImageFolder(
  root: string,
  options: LoadImageFolderOptions,
): Promise<ImageFolderDataset> {
  const { resolved, channels, fingerprint, concurrency } = checkOptions(options);
  const scan = scanImageFolder(root, options.scan);
  const [height, width] = resolved.size;
  const plane = height * width * channels;
  const keyOptions = { ...resolved, channels, extensions: options.scan?.extensions ?? null };
  const key = options.cacheDir ? cacheKey(scan.files, scan.root, keyOptions, fingerprint) : null;

  if (options.cacheDir && key) {
    const hit = readCache(options.cacheDir, key);
    if (hit) {
      const rootPath = (rel: string) => join(scan.root, rel);
      const skipped = hit.manifest.skipped.map((s) => ({ ...s, path: rootPath(s.path) }));
      const shape = hit.manifest.shape as [number, number, number, number];
      return finish(
        scan,
        hit.images,
        shape,
        hit.labels,
        hit.manifest.files.map(rootPath),
        skipped,
        'hit',
      );
    }
  }

  const buffer = new Float32Array(scan.files.length * plane);
  const ok = new Uint8Array(scan.files.length);
  const skipped = [...scan.skipped];
  const failures: SkippedFile[] = [];
  let done = 0;
  await mapLimit(scan.files, concurrency, async (file, i) => {
    try {
      const image = preprocessImage(await decodeImage(file.path), resolved);
      writeChannels(image.data, buffer, i * plane, channels);
      ok[i] = 1;
    } catch (error) {
      if (!(error instanceof IOError)) throw error;
      failures[i] = { path: file.path, code: 'decode-failed', reason: error.message };
    }
    options.onProgress?.(++done, scan.files.length);
  });
  for (const f of failures) if (f) skipped.push(f);

  // Compact the successes to the front, keeping order.
  let n = 0;
  const labels: number[] = [];
  const paths: string[] = [];
  scan.files.forEach((file, i) => {
    if (!ok[i]) return;
    if (n !== i) buffer.copyWithin(n * plane, i * plane, (i + 1) * plane);
    labels.push(file.classId);
    paths.push(file.path);
    n++;
  });
  if (n === 0) {
    throw new DataError({
      fn: 'loadImageFolder',
      problem: `none of the ${scan.files.length} image files under ${scan.root} could be decoded`,
      got: skipped.slice(0, 3).map((s) => s.reason),
      fix: 'Check the files are JPEG/PNG images',
    });
  }
  const images = n === scan.files.length ? buffer : buffer.slice(0, n * plane);
  const labelArray = Int32Array.from(labels);
  const shape: [number, number, number, number] = [n, height, width, channels];
  let cache: ImageFolderDataset['cache'] = 'off';
  if (options.cacheDir && key) {
    const rel = (p: string) => p.slice(scan.root.length + 1);
    const manifest: CacheManifest = {
      format: CACHE_FORMAT,
      key,
      createdAt: new Date().toISOString(),
      options: keyOptions,
      files: paths.map(rel),
      skipped: skipped.map((s) => ({ ...s, path: rel(s.path) })),
      shape,
    };
    writeCache(options.cacheDir, manifest, images, labelArray);
    cache = 'written';
  }
  return finish(scan, images, shape, labelArray, paths, skipped, cache);
}
