/**
 * The benchmark contract. Each file `bench/suites/<name>.bench.ts` exports `suite`; `npm run
 * bench [-- <name> ...] [--torch]` runs the selected suites (all by default), prints a table per
 * suite and writes `bench/results/<name>.json`.
 *
 * Benchmarks measure; they never assert. Report ratios measured within one run (the machines
 * are shared and noisy): time after warm-up, take the median of several repetitions.
 */
export interface BenchOptions {
  /** Extra command-line flags, e.g. `--torch` to add PyTorch comparison rows. */
  flags: Set<string>;
  /** Prints progress (to stderr). */
  log: (message: string) => void;
}

/** One row of results: a configuration and its measured values. */
export interface BenchRow {
  /** What was measured, e.g. `resnet50 64px b16 train (wasm)`. */
  name: string;
  /** Measured values with units in the key, e.g. `{ 'images/s': 5.2, 'median step s': 3.1 }`. */
  metrics: Record<string, number | string | null>;
}

/** A benchmark suite. */
export interface BenchSuite {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
