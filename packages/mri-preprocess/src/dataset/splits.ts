/**
 * Stratified train / val / test splits and nested label fractions that keep duplicate groups
 * together (no leakage of a repeated image across splits).
 */
import { ConfigError } from '@tumorxai/core';
import { deriveRng } from '../internal/derive-rng.js';

/** One part of a split: dataset indices (ascending), their labels and duplicate-group ids. */
export interface SplitSubset {
  indices: Int32Array;
  labels: Int32Array;
  /** Group id of each index; indices sharing an id are duplicates and stay together. */
  groups: Int32Array;
}

/** Result of {@link stratifiedSplit}. */
export interface DatasetSplit {
  train: SplitSubset;
  val: SplitSubset;
  test: SplitSubset;
}

/** What {@link stratifiedSplit} needs from a dataset (e.g. {@link loadImageFolder}'s result). */
export interface SplittableDataset {
  labels: ArrayLike<number>;
  /** Per-item paths, needed to match `duplicates`. */
  paths?: readonly string[];
}

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /** Fractions in [0, 1] that sum to 1 (val and test default to 0). */
  train: number;
  val?: number;
  test?: number;
  seed: number;
  /** Duplicate groups from {@link findDuplicates}; each group lands in one split. */
  duplicates?: readonly (readonly string[])[];
}

const SPLITS = ['train', 'val', 'test'] as const;
type SplitName = (typeof SPLITS)[number];

/** Group id per item: union of duplicate groups, singletons otherwise. */
function groupIds(
  fn: string,
  dataset: SplittableDataset,
  duplicates?: readonly (readonly string[])[],
) {
  const n = dataset.labels.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  if (duplicates && duplicates.length > 0) {
    if (!dataset.paths || dataset.paths.length !== n) {
      throw new ConfigError({
        fn,
        problem: 'duplicates need the dataset paths to match them',
        expected: `dataset.paths with ${n} entries`,
        got: dataset.paths?.length ?? 'none',
        fix: "Pass loadImageFolder's result, which has `paths`",
      });
    }
    const index = new Map(dataset.paths.map((p, i) => [p, i]));
    for (const group of duplicates) {
      const members = group.map((p) => index.get(p)).filter((i): i is number => i !== undefined);
      for (const m of members.slice(1)) parent[find(m)] = find(members[0]!);
    }
  }
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = find(i);
  return ids;
}

/** Groups of `indices` keyed by group id, with each group's majority label. */
function collectGroups(
  indices: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
) {
  const byGroup = new Map<number, number[]>();
  for (let k = 0; k < indices.length; k++) {
    const g = groups[k]!;
    const list = byGroup.get(g);
    if (list) list.push(k);
    else byGroup.set(g, [k]);
  }
  const byClass = new Map<number, number[][]>();
  for (const members of byGroup.values()) {
    const votes = new Map<number, number>();
    for (const k of members) votes.set(labels[k]!, (votes.get(labels[k]!) ?? 0) + 1);
    let label = Number.POSITIVE_INFINITY;
    let best = -1;
    for (const [l, v] of votes) if (v > best || (v === best && l < label)) [label, best] = [l, v];
    const list = byClass.get(label);
    if (list) list.push(members);
    else byClass.set(label, [members]);
  }
  return [...byClass.entries()].sort((a, b) => a[0] - b[0]);
}

function subset(
  positions: number[],
  indices: ArrayLike<number>,
  labels: ArrayLike<number>,
  groups: ArrayLike<number>,
): SplitSubset {
  positions.sort((a, b) => indices[a]! - indices[b]!);
  return {
    indices: Int32Array.from(positions, (k) => indices[k]!),
    labels: Int32Array.from(positions, (k) => labels[k]!),
    groups: Int32Array.from(positions, (k) => groups[k]!),
  };
}

/**
 * Splits a labelled dataset into train / val / test, stratified by class, with duplicate groups
 * kept whole.
 *
 * Per class (a duplicate group counts for its majority label), the groups are shuffled with
 * `seed`; each split with a non-zero fraction first receives one group (so every class appears
 * in every split when it has enough groups; with fewer, train is served first, then test, then
 * val), then each remaining group goes to the split furthest below its target size.
 *
 * @returns Indices into the dataset, ascending, with their labels and group ids.
 * @throws {ConfigError} when fractions are negative or do not sum to 1, or `duplicates` are
 * given without `paths`.
 * @example
 * ```ts
 * const groups = await findDuplicates(root);
 * const split = stratifiedSplit(data, { train: 0.7, val: 0.1, test: 0.2, seed: 0, duplicates: groups });
 * split.train.indices; // Int32Array
 * ```
 */
export function stratifiedSplit(
  dataset: SplittableDataset,
  options: StratifiedSplitOptions,
): DatasetSplit {
  const fn = 'stratifiedSplit';
  const fractions: Record<SplitName, number> = {
    train: options.train,
    val: options.val ?? 0,
    test: options.test ?? 0,
  };
  const total = fractions.train + fractions.val + fractions.test;
  if (SPLITS.some((s) => !(fractions[s] >= 0 && fractions[s] <= 1)) || Math.abs(total - 1) > 1e-6) {
    throw new ConfigError({
      fn,
      problem: 'fractions must be in [0, 1] and sum to 1',
      got: fractions,
      fix: 'Use e.g. { train: 0.7, val: 0.15, test: 0.15 }',
    });
  }
  if (!Number.isFinite(options.seed)) {
    throw new ConfigError({ fn, problem: 'seed must be a finite number', got: options.seed });
  }
  const n = dataset.labels.length;
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const groups = groupIds(fn, dataset, options.duplicates);
  const parts: Record<SplitName, number[]> = { train: [], val: [], test: [] };
  const active = (['train', 'test', 'val'] as const).filter((s) => fractions[s] > 0);
  for (const [label, classGroups] of collectGroups(identity, dataset.labels, groups)) {
    deriveRng(options.seed, 'split', label).shuffle(classGroups);
    const size = classGroups.reduce((a, g) => a + g.length, 0);
    const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
    classGroups.forEach((members, k) => {
      let target: SplitName;
      if (k < active.length) {
        target = active[k]!;
      } else {
        target = active.reduce((best, s) =>
          fractions[s] * size - counts[s] > fractions[best] * size - counts[best] ? s : best,
        );
      }
      counts[target] += members.length;
      parts[target].push(...members);
    });
  }
  return {
    train: subset(parts.train, identity, dataset.labels, groups),
    val: subset(parts.val, identity, dataset.labels, groups),
    test: subset(parts.test, identity, dataset.labels, groups),
  };
}

/**
 * A class-stratified fraction of a split part, for limited-label experiments (1 %, 10 %, …).
 *
 * Per class, `max(1, round(fraction × n_class))` images are taken (at least one per class),
 * whole duplicate groups at a time, in an order fixed by `seed` alone, so fractions are nested:
 * with the same seed the 1 % subset is inside the 10 % subset.
 *
 * @param part A part of {@link stratifiedSplit}'s result (usually `split.train`).
 * @param fraction In (0, 1].
 * @returns A subset of `part` (indices ascending).
 * @throws {ConfigError} when `fraction` is outside (0, 1].
 * @example
 * ```ts
 * const onePercent = labelFraction(split.train, 0.01, 0);
 * const tenPercent = labelFraction(split.train, 0.1, 0); // ⊇ onePercent
 * ```
 */
export function labelFraction(part: SplitSubset, fraction: number, seed: number): SplitSubset {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new ConfigError({
      fn: 'labelFraction',
      problem: 'fraction must be in (0, 1]',
      got: fraction,
      fix: 'Use e.g. 0.01 for 1 %',
    });
  }
  const picked: number[] = [];
  for (const [label, classGroups] of collectGroups(part.indices, part.labels, part.groups)) {
    // Canonical order first (by smallest dataset index), so the shuffle depends on seed only.
    classGroups.sort((a, b) => part.indices[a[0]!]! - part.indices[b[0]!]!);
    deriveRng(seed, 'fraction', label).shuffle(classGroups);
    const size = classGroups.reduce((a, g) => a + g.length, 0);
    const want = Math.max(1, Math.round(fraction * size));
    let taken = 0;
    for (const members of classGroups) {
      if (taken >= want) break;
      picked.push(...members);
      taken += members.length;
    }
  }
  return subset(picked, part.indices, part.labels, part.groups);
}
