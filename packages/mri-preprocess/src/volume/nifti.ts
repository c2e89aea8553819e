/**
 * NIfTI-1 / NIfTI-2 reading (`.nii`, `.nii.gz`) with `nifti-reader-js`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, IOError } from '@tumorxai/core';
import * as nifti from 'nifti-reader-js';
import { spacingOf, type Volume } from './volume.js';

/** Options of {@link readNifti}. */
export interface ReadNiftiOptions {
  /** Index along the 4th dimension (time / volume) for 4-D files (default 0). */
  volume?: number;
}

/** A NIfTI volume with the header fields a user may want. */
export interface NiftiVolume extends Volume {
  /** NIfTI datatype code of the stored voxels (2 uint8, 4 int16, 16 float32, …). */
  datatype: number;
  /** 1 for NIfTI-1, 2 for NIfTI-2. */
  version: 1 | 2;
  /** Which transform gave the affine: sform (preferred), qform, or pixdim only. */
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** Number of volumes along the 4th dimension. */
  volumes: number;
  description: string;
}

type Reader = (view: DataView, offset: number, little: boolean) => number;
const READERS: Record<number, [number, Reader]> = {
  2: [1, (v, o) => v.getUint8(o)],
  4: [2, (v, o, l) => v.getInt16(o, l)],
  8: [4, (v, o, l) => v.getInt32(o, l)],
  16: [4, (v, o, l) => v.getFloat32(o, l)],
  64: [8, (v, o, l) => v.getFloat64(o, l)],
  256: [1, (v, o) => v.getInt8(o)],
  512: [2, (v, o, l) => v.getUint16(o, l)],
  768: [4, (v, o, l) => v.getUint32(o, l)],
};

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The qform affine as in `nifti1_io.c` (`quatern_a` clamped at 0, `qfac` from pixdim[0]). */
function qformAffine(h: nifti.NIFTI1 | nifti.NIFTI2): number[][] {
  const b = h.quatern_b;
  const c = h.quatern_c;
  const d = h.quatern_d;
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const qfac = h.pixDims[0]! < 0 ? -1 : 1;
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const scale = [h.pixDims[1]!, h.pixDims[2]!, h.pixDims[3]! * qfac];
  return [
    [r[0]![0]! * scale[0]!, r[0]![1]! * scale[1]!, r[0]![2]! * scale[2]!, h.qoffset_x],
    [r[1]![0]! * scale[0]!, r[1]![1]! * scale[1]!, r[1]![2]! * scale[2]!, h.qoffset_y],
    [r[2]![0]! * scale[0]!, r[2]![1]! * scale[1]!, r[2]![2]! * scale[2]!, h.qoffset_z],
    [0, 0, 0, 1],
  ];
}

/** srow_x/y/z straight from the header bytes (NIfTI-1: float32 at 280; NIfTI-2: float64 at 400). */
function sformAffine(header: ArrayBuffer, version: 1 | 2, little: boolean): number[][] {
  const view = new DataView(header);
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) {
      row.push(
        version === 1
          ? view.getFloat32(280 + (r * 4 + c) * 4, little)
          : view.getFloat64(400 + (r * 4 + c) * 8, little),
      );
    }
    rows.push(row);
  }
  rows.push([0, 0, 0, 1]);
  return rows;
}

/**
 * Reads a NIfTI-1 or NIfTI-2 file (optionally gzipped) into a float32 {@link Volume}.
 *
 * Voxels are converted from the stored type (uint8, int8, int16, uint16, int32, uint32,
 * float32, float64; either byte order) and scaled by `scl_slope`/`scl_inter` when the slope is
 * non-zero. The affine follows nibabel's choice: the sform when `sform_code > 0`, else the
 * qform when `qform_code > 0`, else `diag(pixdim)`. Data keep their stored axis order; use
 * {@link reorientToRas} or {@link extractSlices} (which reorients) for anatomical axes.
 *
 * @param source Path or file bytes.
 * @throws {IOError} when the file is unreadable, not NIfTI, truncated, or of an unsupported
 * datatype (complex, RGB, 64-bit integers).
 * @throws {ConfigError} when `volume` is out of range.
 * @example
 * ```ts
 * const brain = readNifti('/usr/share/mricron/templates/ch2.nii.gz');
 * brain.dims; // [181, 217, 181]
 * ```
 */
export function readNifti(
  source: string | Uint8Array,
  options: ReadNiftiOptions = {},
): NiftiVolume {
  const fn = 'readNifti';
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? readFileSync(source) : source;
  } catch (cause) {
    throw new IOError({ fn, problem: `could not read ${source}` }, { cause });
  }
  const name = typeof source === 'string' ? source : 'buffer';
  let buffer = toArrayBuffer(bytes);
  try {
    if (nifti.isCompressed(buffer)) buffer = nifti.decompress(buffer) as ArrayBuffer;
  } catch (cause) {
    throw new IOError({ fn, problem: `${name} is a corrupt or truncated gzip stream` }, { cause });
  }
  if (!nifti.isNIFTI(buffer)) {
    throw new IOError({
      fn,
      problem: `${name} is not a NIfTI file (no n+1 / n+2 magic)`,
      fix: 'Pass a .nii or .nii.gz file (hdr/img pairs are not supported)',
    });
  }
  const header = nifti.readHeader(buffer);
  const version: 1 | 2 = header instanceof nifti.NIFTI2 ? 2 : 1;
  const dims = header.dims;
  const [nx, ny, nz] = [dims[1] || 1, dims[2] || 1, dims[0]! >= 3 ? dims[3] || 1 : 1];
  const volumes = dims[0]! >= 4 ? Math.max(1, dims[4] || 1) : 1;
  const t = options.volume ?? 0;
  if (!Number.isInteger(t) || t < 0 || t >= volumes) {
    throw new ConfigError({
      fn,
      problem: 'volume index out of range',
      expected: `0…${volumes - 1}`,
      got: t,
    });
  }
  const reader = READERS[header.datatypeCode];
  if (!reader) {
    throw new IOError({
      fn,
      problem: `${name} has NIfTI datatype ${header.datatypeCode}, which is not supported`,
      expected: 'uint8, int8, int16, uint16, int32, uint32, float32 or float64',
      fix: 'Convert it to float32, e.g. with nibabel or fslmaths -odt float',
    });
  }
  const [size, read] = reader;
  const count = nx * ny * nz;
  const image = nifti.readImage(header, buffer);
  if (image.byteLength < (t + 1) * count * size) {
    throw new IOError({
      fn,
      problem: `${name} is truncated`,
      expected: `${(t + 1) * count * size} bytes of voxels`,
      got: image.byteLength,
    });
  }
  const view = new DataView(image);
  const data = new Float32Array(count);
  const slope = header.scl_slope;
  const scaled = Number.isFinite(slope) && slope !== 0;
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const base = t * count * size;
  for (let i = 0; i < count; i++) {
    const v = read(view, base + i * size, header.littleEndian);
    data[i] = scaled ? v * slope + inter : v;
  }
  let affine: number[][];
  let affineSource: NiftiVolume['affineSource'];
  if (header.sform_code > 0) {
    affine = sformAffine(buffer, version, header.littleEndian);
    affineSource = 'sform';
  } else if (header.qform_code > 0) {
    affine = qformAffine(header);
    affineSource = 'qform';
  } else {
    affine = [
      [header.pixDims[1] || 1, 0, 0, 0],
      [0, header.pixDims[2] || 1, 0, 0],
      [0, 0, header.pixDims[3] || 1, 0],
      [0, 0, 0, 1],
    ];
    affineSource = 'pixdim';
  }
  return {
    data,
    dims: [nx, ny, nz],
    spacing: spacingOf(affine),
    affine,
    datatype: header.datatypeCode,
    version,
    affineSource,
    volumes,
    description: header.description,
  };
}
