/**
 * Exact and near-duplicate detection on decoded content. The 17-class dataset is known to hold
 * repeated images (sometimes re-encoded or resized); a repeat in both train and test inflates
 * accuracy, so splits keep each duplicate group on one side.
 */
import { availableParallelism } from 'node:os';
import { ConfigError, IOError } from '@tumorxai/core';
import { decodeToGray } from '../image/decode-image.js';
import { mapLimit } from '../internal/pool.js';
import { compareCodePoints } from './class-names.js';
import { type ImageFolderScan, scanImageFolder } from './scan-image-folder.js';

/** Options of {@link findDuplicates}. */
export interface FindDuplicatesOptions {
  /**
   * Two images are duplicates when the mean absolute difference of their 32×32 thumbnails, each
   * min-max normalised to [0, 1], is at most this (default 0.02). 0 finds only identical
   * thumbnails; JPEG re-encoding, resizing or a global brightness/contrast change stay well below
   * 0.02, while different slices of one brain are far above it.
   */
  tolerance?: number;
  /** Images decoded concurrently (default 2 × CPU cores). */
  concurrency?: number;
}

const SIDE = 32;
const COARSE = 8;

interface Thumb {
  path: string;
  pixels: Float32Array;
  coarse: Float32Array;
  mean: number;
}

async function thumbnail(path: string): Promise<Thumb | null> {
  let image: Awaited<ReturnType<typeof decodeToGray>>;
  try {
    image = await decodeToGray('findDuplicates', path, { width: SIDE, height: SIDE });
  } catch (error) {
    if (error instanceof IOError) return null; // unreadable files are reported by the loader
    throw error;
  }
  const px = image.data;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of px) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const range = max - min;
  let sum = 0;
  for (let i = 0; i < px.length; i++) {
    px[i] = range > 0 ? (px[i]! - min) / range : 0;
    sum += px[i]!;
  }
  const coarse = new Float32Array(COARSE * COARSE);
  const f = SIDE / COARSE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      coarse[Math.floor(y / f) * COARSE + Math.floor(x / f)]! += px[y * SIDE + x]! / (f * f);
    }
  }
  return { path, pixels: px, coarse, mean: sum / px.length };
}

function meanAbsDiff(a: Float32Array, b: Float32Array, limit: number): number {
  let total = 0;
  const stop = limit * a.length;
  for (let i = 0; i < a.length; i++) {
    total += Math.abs(a[i]! - b[i]!);
    if (total > stop) return Number.POSITIVE_INFINITY;
  }
  return total / a.length;
}

/**
 * Groups images whose decoded content is identical or nearly so.
 *
 * Method: every image is decoded to a 32×32 grey thumbnail (sharp, `fit: 'fill'`) and min-max
 * normalised; two images match when the mean absolute difference of their thumbnails is at most
 * `tolerance`. Matches are merged transitively (union–find). All pairs are compared, with exact
 * pruning (|mean a − mean b| and the 8×8 block-mean difference both bound the 32×32 difference
 * from below), so no match is missed. Files that cannot be decoded are ignored here.
 *
 * @param source A dataset root, or a scan from {@link scanImageFolder}.
 * @returns Groups of ≥ 2 paths (as on disk), each sorted, groups sorted by their first path.
 * @throws {ConfigError} on an invalid tolerance; errors of {@link scanImageFolder} for a root.
 * @example
 * ```ts
 * const groups = await findDuplicates('data/brain-mri-17');
 * const split = stratifiedSplit(data, { train: 0.7, val: 0.15, test: 0.15, seed: 0, duplicates: groups });
 * ```
 */
export async function findDuplicates(
  source: string | ImageFolderScan,
  options: FindDuplicatesOptions = {},
): Promise<string[][]> {
  const tolerance = options.tolerance ?? 0.02;
  if (!(tolerance >= 0 && tolerance < 1)) {
    throw new ConfigError({
      fn: 'findDuplicates',
      problem: 'tolerance must be in [0, 1)',
      got: tolerance,
      fix: 'Use e.g. 0.02',
    });
  }
  const scan = typeof source === 'string' ? scanImageFolder(source) : source;
  const concurrency = options.concurrency ?? 2 * availableParallelism();
  const thumbs = (await mapLimit(scan.files, concurrency, (f) => thumbnail(f.path))).filter(
    (t): t is Thumb => t !== null,
  );
  thumbs.sort((a, b) => a.mean - b.mean);

  const parent = Int32Array.from(thumbs, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < thumbs.length; i++) {
    const a = thumbs[i]!;
    for (let j = i + 1; j < thumbs.length; j++) {
      const b = thumbs[j]!;
      if (b.mean - a.mean > tolerance) break; // sorted by mean: no later j can match
      if (meanAbsDiff(a.coarse, b.coarse, tolerance) > tolerance) continue;
      if (meanAbsDiff(a.pixels, b.pixels, tolerance) > tolerance) continue;
      parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, string[]>();
  thumbs.forEach((t, i) => {
    const r = find(i);
    const group = groups.get(r);
    if (group) group.push(t.path);
    else groups.set(r, [t.path]);
  });
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort(compareCodePoints))
    .sort((a, b) => compareCodePoints(a[0]!, b[0]!));
}
