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
   * Two images are duplicates when the mean absolute difference of their 24×24 thumbnails, each
   * z-scored (mean 0, std 1), is at most this (default 0.1, in standard deviations). 0 finds
   * only identical thumbnails. Re-encoding, resizing, or a global brightness / contrast change
   * stay below ≈ 0.1; distinct phantoms (which share one anatomical template) stay above ≈ 0.14.
   */
  tolerance?: number;
  /** Images decoded concurrently (default 2 × CPU cores). */
  concurrency?: number;
}

const SIDE = 24;
const COARSE = 4;

interface Thumb {
  path: string;
  pixels: Float32Array;
  coarse: Float32Array;
  /** Σ w·x / n with w = +1 on the top half, −1 below: |key a − key b| ≤ MAD(a, b). */
  key: number;
}

async function thumbnail(path: string): Promise<Thumb | null> {
  let px: Float32Array;
  try {
    px = (await decodeToGray('findDuplicates', path, { width: SIDE, height: SIDE })).data;
  } catch (error) {
    if (error instanceof IOError) return null; // unreadable files are reported by the loader
    throw error;
  }
  let mean = 0;
  for (const v of px) mean += v;
  mean /= px.length;
  let sq = 0;
  for (const v of px) sq += (v - mean) ** 2;
  const inv = sq > 0 ? 1 / Math.sqrt(sq / px.length) : 0;
  let key = 0;
  const coarse = new Float32Array(COARSE * COARSE);
  const f = SIDE / COARSE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const i = y * SIDE + x;
      px[i] = (px[i]! - mean) * inv;
      key += y < SIDE / 2 ? px[i]! : -px[i]!;
      coarse[Math.floor(y / f) * COARSE + Math.floor(x / f)]! += px[i]! / (f * f);
    }
  }
  return { path, pixels: px, coarse, key: key / px.length };
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
 * Method: every image is decoded to a 24×24 grey thumbnail (sharp, `fit: 'fill'`) and z-scored;
 * two images match when the mean absolute difference of their thumbnails is at most
 * `tolerance`. Matches are merged transitively (union–find). All pairs are compared, with exact
 * pruning (a ±1-weighted sum and the 4×4 block means both bound the difference from below), so
 * no match is missed. Files that cannot be decoded are ignored here (the loader reports them).
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
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0 && tolerance < 2)) {
    throw new ConfigError({
      fn: 'findDuplicates',
      problem: 'tolerance must be in [0, 2)',
      got: tolerance,
      fix: 'Use e.g. 0.1',
    });
  }
  const scan = typeof source === 'string' ? scanImageFolder(source) : source;
  const concurrency = options.concurrency ?? 2 * availableParallelism();
  const thumbs = (await mapLimit(scan.files, concurrency, (f) => thumbnail(f.path))).filter(
    (t): t is Thumb => t !== null,
  );
  thumbs.sort((a, b) => a.key - b.key);

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
      if (b.key - a.key > tolerance) break; // sorted by key: no later j can match
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
