import { gzipSync } from 'node:zlib';

/** What {@link writeNifti1} writes. Test helper: a minimal NIfTI-1 (.nii) encoder. */
export interface NiftiSpec {
  dims: number[]; // [nx, ny, nz] or [nx, ny, nz, nt]
  data: ArrayLike<number>;
  datatype?: 2 | 4 | 16 | 32; // uint8, int16, float32, complex64 (unsupported by the reader)
  pixdim?: [number, number, number];
  sform?: number[][]; // 3×4 rows
  qform?: { b: number; c: number; d: number; offset: [number, number, number]; qfac?: 1 | -1 };
  slope?: number;
  inter?: number;
  littleEndian?: boolean;
  gzip?: boolean;
}

const BYTES: Record<number, number> = { 2: 1, 4: 2, 16: 4, 32: 8 };

export function writeNifti1(spec: NiftiSpec): Uint8Array {
  const little = spec.littleEndian ?? true;
  const datatype = spec.datatype ?? 16;
  const size = BYTES[datatype]!;
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(352 + count * size);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, little);
  v.setInt16(40, spec.dims.length, little);
  spec.dims.forEach((d, i) => {
    v.setInt16(42 + 2 * i, d, little);
  });
  v.setInt16(70, datatype, little);
  v.setInt16(72, size * 8, little);
  const pix = spec.pixdim ?? [1, 1, 1];
  v.setFloat32(76, spec.qform?.qfac ?? 1, little);
  pix.forEach((p, i) => {
    v.setFloat32(80 + 4 * i, p, little);
  });
  v.setFloat32(108, 352, little);
  v.setFloat32(112, spec.slope ?? 0, little);
  v.setFloat32(116, spec.inter ?? 0, little);
  if (spec.qform) {
    v.setInt16(252, 1, little);
    [spec.qform.b, spec.qform.c, spec.qform.d, ...spec.qform.offset].forEach((x, i) => {
      v.setFloat32(256 + 4 * i, x, little);
    });
  }
  if (spec.sform) {
    v.setInt16(254, 2, little);
    spec.sform.flat().forEach((x, i) => {
      v.setFloat32(280 + 4 * i, x, little);
    });
  }
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  for (let i = 0; i < count; i++) {
    const x = spec.data[i] ?? 0;
    const o = 352 + i * size;
    if (datatype === 2) v.setUint8(o, x);
    else if (datatype === 4) v.setInt16(o, x, little);
    else if (datatype === 16) v.setFloat32(o, x, little);
    else v.setFloat32(o, x, little);
  }
  return spec.gzip ? new Uint8Array(gzipSync(out)) : out;
}
