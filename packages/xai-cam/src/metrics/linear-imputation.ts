/**
 * ROAD's noisy linear imputation (pytorch-grad-cam `metrics/road.py`, after Rong et al.'s
 * reference `imputations.py`).
 *
 * [0] Rong et al., "A Consistent and Efficient Evaluation Strategy for Attribution Methods",
 *     ICML 2022, https://arxiv.org/abs/2202.00449
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng, type Rng, ShapeError } from '@tumorxai/core';

/** Options of {@link noisyLinearImputation}. */
export interface ImputationOptions {
  /** Standard deviation of the Gaussian noise added to imputed pixels (default 0.01; 0 = none). */
  noise?: number;
  /** Noise source (default `createRng(0)`, so results are reproducible). */
  rng?: Rng;
}

/** 8-neighbourhood `[dy, dx, weight]`: 1/6 for edges, 1/12 for diagonals (they sum to 1). */
const NEIGHBOURS: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 1 / 12],
  [0, 1, 1 / 6],
  [-1, 1, 1 / 12],
  [1, -1, 1 / 12],
  [0, -1, 1 / 6],
  [-1, -1, 1 / 12],
  [1, 0, 1 / 6],
  [-1, 0, 1 / 6],
];

interface System {
  unknown: Int32Array;
  diagonal: Float64Array;
  /** Unknown–unknown couplings in CSR form. */
  start: Int32Array;
  column: Int32Array;
  weight: Float64Array;
  /** Known neighbours (pixel index, weight) of each unknown, in CSR form. */
  knownStart: Int32Array;
  knownPixel: Int32Array;
  knownWeight: Float64Array;
}

function buildSystem(keep: ArrayLike<number>, h: number, w: number): System {
  const variable = new Int32Array(h * w).fill(-1);
  const unknownList: number[] = [];
  for (let p = 0; p < h * w; p++) if (!(keep[p]! > 0.5)) variable[p] = unknownList.push(p) - 1;
  const n = unknownList.length;
  const diagonal = new Float64Array(n);
  const start = new Int32Array(n + 1);
  const knownStart = new Int32Array(n + 1);
  const column: number[] = [];
  const weight: number[] = [];
  const knownPixel: number[] = [];
  const knownWeight: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = unknownList[i]!;
    const y = Math.floor(p / w);
    const x = p % w;
    for (const [dy, dx, wt] of NEIGHBOURS) {
      const yy = y + dy;
      const xx = x + dx;
      if (yy < 0 || xx < 0 || yy >= h || xx >= w) continue;
      diagonal[i]! += wt;
      const q = yy * w + xx;
      if (variable[q]! >= 0) {
        column.push(variable[q]!);
        weight.push(wt);
      } else {
        knownPixel.push(q);
        knownWeight.push(wt);
      }
    }
    start[i + 1] = column.length;
    knownStart[i + 1] = knownPixel.length;
  }
  return {
    unknown: Int32Array.from(unknownList),
    diagonal,
    start,
    column: Int32Array.from(column),
    weight: Float64Array.from(weight),
    knownStart,
    knownPixel: Int32Array.from(knownPixel),
    knownWeight: Float64Array.from(knownWeight),
  };
}

/**
 * Solves `(D − W) x = b` (D: in-image neighbour weight sums, W: couplings between imputed pixels)
 * by Jacobi-preconditioned conjugate gradients in float64. The matrix is symmetric positive
 * semi-definite (a weighted graph Laplacian plus the known-neighbour weights); a region with no
 * known neighbour has b = 0 there and stays at 0.
 */
function solve(s: System, b: Float64Array): Float64Array {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  let bNorm = 0;
  for (let i = 0; i < n; i++) bNorm += b[i]! * b[i]!;
  if (bNorm === 0) return x;
  for (let i = 0; i < n; i++) z[i] = r[i]! / s.diagonal[i]!;
  p.set(z);
  let rz = 0;
  for (let i = 0; i < n; i++) rz += r[i]! * z[i]!;
  const maxIterations = 10 * n + 100;
  for (let it = 0; it < maxIterations; it++) {
    let pq = 0;
    for (let i = 0; i < n; i++) {
      let v = s.diagonal[i]! * p[i]!;
      for (let e = s.start[i]!; e < s.start[i + 1]!; e++) v -= s.weight[e]! * p[s.column[e]!]!;
      q[i] = v;
      pq += p[i]! * v;
    }
    if (pq <= 0) break;
    const alpha = rz / pq;
    let rNorm = 0;
    for (let i = 0; i < n; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * q[i]!;
      rNorm += r[i]! * r[i]!;
    }
    if (rNorm <= 1e-26 * bNorm) break;
    let rzNext = 0;
    for (let i = 0; i < n; i++) {
      z[i] = r[i]! / s.diagonal[i]!;
      rzNext += r[i]! * z[i]!;
    }
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
  }
  return x;
}

/**
 * Replaces pixels of `pixels` (`[H, W, C]`, row-major) where `keep` is 0 by the solution of the
 * ROAD linear system, plus `noise·N(0, 1)`; returns a new array.
 */
export function imputeArray(
  pixels: Float32Array,
  keep: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  noise: number,
  rng: Rng,
): Float32Array {
  const system = buildSystem(keep, h, w);
  const out = Float32Array.from(pixels);
  const n = system.unknown.length;
  for (let ch = 0; ch < c; ch++) {
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let e = system.knownStart[i]!; e < system.knownStart[i + 1]!; e++) {
        b[i]! += system.knownWeight[e]! * pixels[system.knownPixel[e]! * c + ch]!;
      }
    }
    const x = solve(system, b);
    for (let i = 0; i < n; i++) {
      const value = Math.fround(x[i]!);
      const jitter = noise === 0 ? 0 : Math.fround(noise * rng.normal());
      out[system.unknown[i]! * c + ch] = Math.fround(value + jitter);
    }
  }
  return out;
}

/**
 * ROAD's noisy linear imputation: every removed pixel (`keep = 0`) becomes the weighted mean of
 * its in-image 8-neighbours (weights 1/6 for edges, 1/12 for diagonals, renormalised at the
 * border), solved jointly for all removed pixels, per channel; then Gaussian noise is added to
 * the removed pixels. Kept pixels are unchanged.
 *
 * Porting note: upstream solves with `scipy.sparse.linalg.spsolve` and draws the noise from
 * torch's global RNG; here the system is solved by conjugate gradients to a relative residual of
 * 1e-13 (imputed values agree to ~1e-7) and the noise comes from `options.rng`. Where a removed
 * region touches no kept pixel upstream returns NaN; here it becomes 0 (plus noise).
 *
 * @param image `[H, W, C]` (not disposed). @param keep `[H, W]`, 1 = keep, 0 = impute.
 * @returns A new `[H, W, C]` float32 tensor.
 * @throws {ShapeError} when the shapes do not match. @throws {ConfigError} on a negative noise.
 * @example
 * ```ts
 * const filled = noisyLinearImputation(image, keepMask, { noise: 0 });
 * ```
 */
export function noisyLinearImputation(
  image: tf.Tensor,
  keep: tf.Tensor,
  options: ImputationOptions = {},
): tf.Tensor3D {
  const fn = 'noisyLinearImputation';
  const noise = options.noise ?? 0.01;
  if (!(noise >= 0)) throw new ConfigError({ fn, problem: 'noise must be >= 0', got: noise });
  if (
    image.rank !== 3 ||
    keep.rank !== 2 ||
    keep.shape[0] !== image.shape[0] ||
    keep.shape[1] !== image.shape[1]
  ) {
    throw new ShapeError({
      fn,
      problem: 'image must be [H, W, C] and keep [H, W]',
      got: { image: image.shape, keep: keep.shape },
    });
  }
  const [h, w, c] = image.shape as [number, number, number];
  const out = imputeArray(
    Float32Array.from(image.dataSync()),
    keep.dataSync(),
    h,
    w,
    c,
    noise,
    options.rng ?? createRng(0),
  );
  return tf.tensor3d(out, [h, w, c], 'float32');
}
