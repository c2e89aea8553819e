/**
 * Reorientation to RAS and extraction of 2-D slices in a documented display convention.
 */
import { ConfigError } from '@tumorxai/core';
import type { GrayImage } from '../image/gray-image.js';
import { percentiles } from '../image/percentiles.js';
import { resizeImage } from '../image/resample.js';
import { spacingOf, type Volume } from './volume.js';

/**
 * For each world axis (R, A, S), the voxel axis closest to it and whether it runs backwards —
 * nibabel's `io_orientation` for non-oblique data (greedy on the largest direction cosine).
 */
export function closestAxes(affine: number[][]): { axis: number[]; flip: boolean[] } {
  const cos = [0, 1, 2].map((v) => {
    const col = [affine[0]![v]!, affine[1]![v]!, affine[2]![v]!];
    const n = Math.hypot(...col) || 1;
    return col.map((x) => x / n);
  });
  const axis = [-1, -1, -1];
  const flip = [false, false, false];
  const usedVoxel = new Set<number>();
  for (let round = 0; round < 3; round++) {
    let best = -1;
    let bv = -1;
    let bw = -1;
    for (let v = 0; v < 3; v++) {
      if (usedVoxel.has(v)) continue;
      for (let w = 0; w < 3; w++) {
        if (axis[w] !== -1) continue;
        if (Math.abs(cos[v]![w]!) > best) [best, bv, bw] = [Math.abs(cos[v]![w]!), v, w];
      }
    }
    axis[bw] = bv;
    flip[bw] = cos[bv]![bw]! < 0;
    usedVoxel.add(bv);
  }
  return { axis, flip };
}

/**
 * Permutes and flips the voxel axes so that i runs to the patient's Right, j Anterior, k
 * Superior (the closest such axes for oblique data; no interpolation). The affine is updated so
 * every voxel keeps its world position.
 *
 * @returns A new volume; the input is not modified.
 * @example
 * ```ts
 * const ras = reorientToRas(readNifti('scan.nii.gz'));
 * ```
 */
export function reorientToRas<V extends Volume>(volume: V): V {
  const { axis, flip } = closestAxes(volume.affine);
  const old = volume.dims;
  const dims = [old[axis[0]!]!, old[axis[1]!]!, old[axis[2]!]!] as [number, number, number];
  if (axis.every((a, i) => a === i) && !flip.some(Boolean))
    return { ...volume, data: volume.data.slice() };
  const strides = [1, old[0], old[0] * old[1]];
  const out = new Float32Array(volume.data.length);
  const step = [0, 1, 2].map((w) => (flip[w] ? -1 : 1) * strides[axis[w]!]!);
  const start = [0, 1, 2].reduce(
    (s, w) => s + (flip[w] ? (old[axis[w]!]! - 1) * strides[axis[w]!]! : 0),
    0,
  );
  let o = 0;
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      let src = start + k * step[2]! + j * step[1]!;
      for (let i = 0; i < dims[0]; i++, src += step[0]!) out[o++] = volume.data[src]!;
    }
  }
  // old index p = T q + t, with T[axis[w]][w] = ±1 and t[axis[w]] = n − 1 when flipped.
  const affine = volume.affine.map((row) => {
    const next = [0, 0, 0, row[3]!];
    for (let w = 0; w < 3; w++) {
      const v = axis[w]!;
      next[w] = flip[w] ? -row[v]! : row[v]!;
      if (flip[w]) next[3]! += row[v]! * (old[v]! - 1);
    }
    return next;
  });
  affine[3] = [0, 0, 0, 1];
  return { ...volume, data: out, dims, affine, spacing: spacingOf(affine) };
}

/** Anatomical slice planes. */
export type SlicePlane = 'axial' | 'coronal' | 'sagittal';

/** Options of {@link extractSlices}. */
export interface ExtractSlicesOptions {
  /** Plane (default `'axial'`). */
  plane?: SlicePlane;
  /**
   * Which slices along the plane's normal, in RAS order (axial: inferior → superior; coronal:
   * posterior → anterior; sagittal: left → right): an index, `[start, end)`, `'middle'`
   * (default) or `'all'`.
   */
  index?: number | readonly [number, number] | 'middle' | 'all';
  /** Keep every `step`-th slice of a range (default 1). */
  step?: number;
  /**
   * Left–right display for axial and coronal slices: `'radiological'` (default; the patient's
   * right on the image's left, as viewed from the feet / front, like PACS and DICOM viewers) or
   * `'neurological'` (patient's left on the left). Sagittal slices show anterior on the left.
   */
  orientation?: 'radiological' | 'neurological';
  /**
   * Intensity scaling: `'volume'` (default) maps the volume's `percentiles` (default
   * `[0.5, 99.5]`) to [0, 1] and clips, the same window for every slice; `'raw'` keeps values.
   */
  intensity?: 'volume' | 'raw';
  percentiles?: readonly [number, number];
  /** Resample anisotropic in-plane pixels to square ones (default true). */
  isotropic?: boolean;
}

/**
 * Extracts 2-D slices of a volume as images, after {@link reorientToRas}. Every image has the
 * superior (axial: anterior) side at the top.
 *
 * @returns One {@link GrayImage} per slice (feed {@link preprocessImage} / {@link imagesToTensor}).
 * @throws {ConfigError} on an unknown plane or an index out of range.
 * @example
 * ```ts
 * const slices = extractSlices(readNifti('ch2.nii.gz'), { plane: 'axial', index: [60, 120], step: 10 });
 * const batch = imagesToTensor(slices.map((s) => preprocessImage(s, { size: 224 })));
 * ```
 */
export function extractSlices(volume: Volume, options: ExtractSlicesOptions = {}): GrayImage[] {
  const fn = 'extractSlices';
  const plane = options.plane ?? 'axial';
  const normal = { sagittal: 0, coronal: 1, axial: 2 }[plane];
  if (normal === undefined) {
    throw new ConfigError({
      fn,
      problem: 'unknown plane',
      expected: 'axial | coronal | sagittal',
      got: plane,
    });
  }
  const orientation = options.orientation ?? 'radiological';
  if (orientation !== 'radiological' && orientation !== 'neurological') {
    throw new ConfigError({
      fn,
      problem: 'unknown orientation',
      expected: 'radiological | neurological',
      got: orientation,
    });
  }
  const ras = reorientToRas(volume);
  const [nx, ny] = ras.dims;
  const count = ras.dims[normal]!;
  const spec = options.index ?? 'middle';
  const step = options.step ?? 1;
  let range: [number, number];
  if (spec === 'middle') range = [Math.floor(count / 2), Math.floor(count / 2) + 1];
  else if (spec === 'all') range = [0, count];
  else if (typeof spec === 'number') range = [spec, spec + 1];
  else range = [spec[0], spec[1]];
  if (
    !range.every(Number.isInteger) ||
    range[0] < 0 ||
    range[1] > count ||
    range[0] >= range[1] ||
    !Number.isInteger(step) ||
    step < 1
  ) {
    throw new ConfigError({
      fn,
      problem: `slice index out of range for the ${plane} plane`,
      expected: `indices in [0, ${count})`,
      got: { index: spec, step },
    });
  }
  let scale = (v: number) => v;
  if ((options.intensity ?? 'volume') === 'volume') {
    const [lo, hi] = percentiles(ras.data, options.percentiles ?? [0.5, 99.5]) as [number, number];
    const inv = hi > lo ? 1 / (hi - lo) : 0;
    scale = (v) => Math.min(1, Math.max(0, (v - lo) * inv));
  }
  const radiological = orientation === 'radiological';
  const images: GrayImage[] = [];
  for (let s = range[0]; s < range[1]; s += step) {
    // (width axis, height axis) in RAS, with the display direction of each.
    const [wAxis, hAxis] = plane === 'axial' ? [0, 1] : plane === 'coronal' ? [0, 2] : [1, 2];
    const width = ras.dims[wAxis]!;
    const height = ras.dims[hAxis]!;
    const data = new Float32Array(width * height);
    const idx = [0, 0, 0];
    idx[normal] = s;
    for (let r = 0; r < height; r++) {
      idx[hAxis] = height - 1 - r; // superior / anterior at the top
      for (let c = 0; c < width; c++) {
        // x: radiological puts the largest x (Right) first; sagittal: anterior (largest y) first.
        idx[wAxis] = wAxis === 0 ? (radiological ? width - 1 - c : c) : width - 1 - c;
        data[r * width + c] = scale(ras.data[idx[0]! + nx * (idx[1]! + ny * idx[2]!)]!);
      }
    }
    let image: GrayImage = { data, width, height };
    const [sw, sh] = [ras.spacing[wAxis]!, ras.spacing[hAxis]!];
    if ((options.isotropic ?? true) && Math.abs(sw - sh) > 1e-3 * Math.max(sw, sh)) {
      const unit = Math.min(sw, sh);
      image = resizeImage(image, {
        width: Math.max(1, Math.round((width * sw) / unit)),
        height: Math.max(1, Math.round((height * sh) / unit)),
        interpolation: 'bilinear',
      });
    }
    images.push(image);
  }
  return images;
}
