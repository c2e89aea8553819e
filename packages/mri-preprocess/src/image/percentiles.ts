/**
 * Exact percentiles in O(n), used for robust intensity windows of images and whole volumes.
 */

/** k-th smallest value of `values` (0-based), in place (Hoare quickselect). */
function select(values: Float32Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * Order statistics (0-based ranks) of a large array without sorting it: one pass builds a
 * 4096-bin histogram (with each bin's min and max), a second pass gathers only the members of
 * the bins that hold the wanted ranks, which are then searched exactly. A bin holding a single
 * distinct value (e.g. the zero background of a volume) answers without gathering.
 */
function orderStatistics(
  values: Float32Array,
  ranks: number[],
  min: number,
  max: number,
): Map<number, number> {
  const out = new Map<number, number>();
  if (values.length <= 4096 || !(max > min)) {
    const work = Float32Array.from(values);
    for (const k of ranks) out.set(k, select(work, k));
    return out;
  }
  const bins = 4096;
  const scale = (bins - 1e-3) / (max - min);
  const binOf = new Uint16Array(values.length);
  const counts = new Int32Array(bins);
  const lo = new Float32Array(bins).fill(Number.POSITIVE_INFINITY);
  const hi = new Float32Array(bins).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const b = ((v - min) * scale) | 0;
    binOf[i] = b;
    counts[b]!++;
    if (v < lo[b]!) lo[b] = v;
    if (v > hi[b]!) hi[b] = v;
  }
  const starts = new Int32Array(bins + 1);
  for (let b = 0; b < bins; b++) starts[b + 1] = starts[b]! + counts[b]!;
  const binOfRank = (k: number) => {
    let b = 0;
    while (starts[b + 1]! <= k) b++;
    return b;
  };
  const gather = new Map<number, Float32Array>();
  for (const k of ranks) {
    const b = binOfRank(k);
    if (lo[b] === hi[b]) out.set(k, lo[b]!);
    else if (!gather.has(b)) gather.set(b, new Float32Array(counts[b]!));
  }
  if (gather.size > 0) {
    const fill = new Map([...gather.keys()].map((b) => [b, 0]));
    for (let i = 0; i < values.length; i++) {
      const members = gather.get(binOf[i]!);
      if (members) {
        const b = binOf[i]!;
        const m = fill.get(b)!;
        members[m] = values[i]!;
        fill.set(b, m + 1);
      }
    }
    for (const k of ranks) {
      if (out.has(k)) continue;
      const b = binOfRank(k);
      out.set(k, select(gather.get(b)!, k - starts[b]!));
    }
  }
  return out;
}

/**
 * Percentiles with linear interpolation between order statistics (NumPy's default `linear`
 * method): position `p / 100 × (n − 1)`. Exact and O(n) (a histogram pass, then a search of
 * the few bins involved), so it is fast on whole volumes.
 *
 * @param values Not modified.
 * @param ps Percentiles in [0, 100].
 */
export function percentiles(values: Float32Array, ps: readonly number[]): number[] {
  if (values.length === 0) return ps.map(() => Number.NaN);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const positions = ps.map((p) => (Math.min(100, Math.max(0, p)) / 100) * (values.length - 1));
  const ranks = new Set<number>();
  for (const pos of positions) {
    ranks.add(Math.floor(pos));
    if (pos !== Math.floor(pos)) ranks.add(Math.floor(pos) + 1);
  }
  const stats = orderStatistics(values, [...ranks], min, max);
  return positions.map((pos) => {
    const below = Math.floor(pos);
    const lower = stats.get(below)!;
    return pos === below ? lower : lower + (stats.get(below + 1)! - lower) * (pos - below);
  });
}
