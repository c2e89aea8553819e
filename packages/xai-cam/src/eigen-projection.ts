/**
 * Projection of a feature map on its first principal component — EigenCAM's map and the
 * `eigenSmooth` option (pytorch-grad-cam `utils/svd_on_activations.get_2d_projection`).
 *
 * [0] Muhammad & Yeasin, "Eigen-CAM: Class Activation Map using Principal Components", IJCNN
 *     2020, https://arxiv.org/abs/2008.00299
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@tumorxai/core';
import { symmetricEigen } from './internal/symmetric-eigen.js';

/**
 * How the sign of the principal direction `v` is chosen (an SVD's sign is arbitrary, and the
 * ReLU that follows keeps the positions on the positive side only):
 * - `'channelSum'` (default): `Σ_k v_k ≥ 0` — the component points towards stronger channel
 *   activity, so the map highlights where features are above their spatial mean.
 * - `'maxAbs'`: the projection's largest-magnitude value is positive (the flip of
 *   pytorch-grad-cam's `get_2d_projection_with_sign_correction`).
 */
export type EigenSign = 'channelSum' | 'maxAbs';

/** Options of {@link projectFirstComponent}. */
export interface EigenProjectionOptions {
  /** Sign convention (default `'channelSum'`). */
  sign?: EigenSign;
  /** Negate the projection after the convention is applied (default `false`). */
  flipSign?: boolean;
}

/**
 * For each image, reshapes `features` `[N, ...spatial, K]` to `M` (positions × channels), centres
 * every channel over the positions, and returns `M·v` `[N, ...spatial]`, where `v` is the first
 * right singular vector of `M` (= `S₀·U[:,0]`). Computed in float64 from the eigenvectors of
 * the smaller of `MMᵀ` and `MᵀM` by Jacobi rotations, so nearly equal singular values (e.g.
 * 20.58 vs 20.42) are handled exactly. NaN features count as 0; an all-constant map gives 0.
 *
 * Porting note: pytorch-grad-cam takes whatever sign LAPACK returns (not predictable, spec §2.7);
 * here the sign follows `options.sign`, and `flipSign` gives the other map.
 *
 * @returns A new float32 tensor `[N, ...spatial]` owned by the caller; `features` is not disposed.
 * @throws {ShapeError} when `features` has fewer than 3 axes.
 * @example
 * ```ts
 * const raw = projectFirstComponent(activations); // EigenCAM before the ReLU
 * ```
 */
export function projectFirstComponent(
  features: tf.Tensor,
  options: EigenProjectionOptions = {},
): tf.Tensor {
  if (features.rank < 3) {
    throw new ShapeError({
      fn: 'projectFirstComponent',
      problem: 'features must be [batch, ...spatial, channels]',
      got: features.shape,
    });
  }
  const [n] = features.shape as [number];
  const k = features.shape.at(-1)!;
  const p = features.size / (n * k);
  const data = features.dataSync();
  const out = new Float32Array(n * p);
  for (let b = 0; b < n; b++) {
    const m = centredMatrix(data, b * p * k, p, k);
    const projection = firstComponent(m, p, k);
    orient(projection, m, p, k, options);
    out.set(projection, b * p);
  }
  return tf.tensor(out, features.shape.slice(0, -1), 'float32');
}

function centredMatrix(
  data: ArrayLike<number>,
  offset: number,
  p: number,
  k: number,
): Float64Array {
  const m = new Float64Array(p * k);
  for (let i = 0; i < p * k; i++) {
    const value = data[offset + i]!;
    m[i] = Number.isNaN(value) ? 0 : value;
  }
  for (let c = 0; c < k; c++) {
    let mean = 0;
    for (let i = 0; i < p; i++) mean += m[i * k + c]!;
    mean /= p;
    for (let i = 0; i < p; i++) m[i * k + c]! -= mean;
  }
  return m;
}

/** `M·v` for the top right singular vector `v` of `M` (p×k); zeros when `M` is 0. */
function firstComponent(m: Float64Array, p: number, k: number): Float64Array {
  const v = new Float64Array(k);
  if (p <= k) {
    const gram = new Float64Array(p * p);
    for (let i = 0; i < p; i++) {
      for (let j = i; j < p; j++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += m[i * k + c]! * m[j * k + c]!;
        gram[i * p + j] = s;
        gram[j * p + i] = s;
      }
    }
    const u = topEigenvector(gram, p);
    for (let i = 0; i < p; i++) for (let c = 0; c < k; c++) v[c]! += m[i * k + c]! * u[i]!;
    let norm = 0;
    for (let c = 0; c < k; c++) norm += v[c]! * v[c]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return new Float64Array(p);
    for (let c = 0; c < k; c++) v[c]! /= norm;
  } else {
    const gram = new Float64Array(k * k);
    for (let c = 0; c < k; c++) {
      for (let d = c; d < k; d++) {
        let s = 0;
        for (let i = 0; i < p; i++) s += m[i * k + c]! * m[i * k + d]!;
        gram[c * k + d] = s;
        gram[d * k + c] = s;
      }
    }
    v.set(topEigenvector(gram, k));
  }
  const projection = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += m[i * k + c]! * v[c]!;
    projection[i] = s;
  }
  return projection;
}

function topEigenvector(gram: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(gram, n);
  let best = 0;
  for (let i = 1; i < n; i++) if (values[i]! > values[best]!) best = i;
  const u = new Float64Array(n);
  if (!(values[best]! > 0)) return u;
  for (let i = 0; i < n; i++) u[i] = vectors[i * n + best]!;
  return u;
}

function orient(
  projection: Float64Array,
  m: Float64Array,
  p: number,
  k: number,
  options: EigenProjectionOptions,
): void {
  const sign = options.sign ?? 'channelSum';
  let flip: boolean;
  if (sign === 'maxAbs') {
    let max = 0;
    let min = 0;
    for (const x of projection) {
      max = Math.max(max, x);
      min = Math.min(min, x);
    }
    flip = -min > max;
  } else {
    // Σ_k v_k ∝ Σ_i projection_i · (Σ_k M_ik) … computed directly from v = Mᵀ·proj / S₀².
    let sum = 0;
    for (let i = 0; i < p; i++) {
      let row = 0;
      for (let c = 0; c < k; c++) row += m[i * k + c]!;
      sum += projection[i]! * row;
    }
    flip = sum < 0;
  }
  if (flip !== (options.flipSign ?? false))
    for (let i = 0; i < p; i++) projection[i] = -projection[i]!;
}
