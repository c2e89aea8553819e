/**
 * `np.percentile(values, q)` with numpy's default linear interpolation.
 */

/** `q`-th percentile (0…100) of ascending `sorted` values; numpy's `_lerp`, exact at both ends. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
