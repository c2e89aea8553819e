import { existsSync } from 'node:fs';
import { ConfigError, IOError } from '@tumorxai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  extractSlices,
  foregroundBox,
  type GrayImage,
  imagesToTensor,
  type NiftiVolume,
  preprocessImage,
  readNifti,
  reorientToRas,
} from '../src/index.js';
import { writeNifti1 } from './helpers/nifti-writer.js';

const TEMPLATES = '/usr/share/mricron/templates';
const haveMricron = existsSync(`${TEMPLATES}/ch2.nii.gz`);

// A 4×5×6 RAS volume with one marker voxel at (i, j, k) = (3, 1, 4): right, posterior, superior.
const [NX, NY, NZ] = [4, 5, 6];
const marker = (i: number, j: number, k: number) => (i === 3 && j === 1 && k === 4 ? 100 : 1);
const ras = Array.from({ length: NX * NY * NZ }, (_, n) =>
  marker(n % NX, Math.floor(n / NX) % NY, Math.floor(n / (NX * NY))),
);
const find = (image: GrayImage) => {
  const at = image.data.indexOf(Math.max(...image.data));
  return [Math.floor(at / image.width), at % image.width]; // [row, col]
};

describe('readNifti and slices on synthetic volumes', () => {
  it('puts the marker where the documented display conventions say', () => {
    const volume = readNifti(
      writeNifti1({
        dims: [NX, NY, NZ],
        data: ras,
        sform: [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
        ],
      }),
    );
    expect(volume.affineSource).toBe('sform');
    const opts = { intensity: 'raw' } as const;
    const axial = extractSlices(volume, { ...opts, plane: 'axial', index: 4 })[0]!;
    expect([axial.width, axial.height]).toEqual([NX, NY]);
    expect(find(axial)).toEqual([NY - 1 - 1, 0]); // anterior at top; patient's right on the left
    expect(
      find(extractSlices(volume, { ...opts, index: 4, orientation: 'neurological' })[0]!),
    ).toEqual([3, 3]);
    const coronal = extractSlices(volume, { ...opts, plane: 'coronal', index: 1 })[0]!;
    expect([coronal.width, coronal.height]).toEqual([NX, NZ]);
    expect(find(coronal)).toEqual([NZ - 1 - 4, 0]); // superior at top
    const sagittal = extractSlices(volume, { ...opts, plane: 'sagittal', index: 3 })[0]!;
    expect([sagittal.width, sagittal.height]).toEqual([NY, NZ]);
    expect(find(sagittal)).toEqual([1, NY - 1 - 1]); // anterior on the left
  });

  it('gives the same slices whatever the storage order (sform flips, qform rotation, permutation)', () => {
    const reference = readNifti(writeNifti1({ dims: [NX, NY, NZ], data: ras }));
    // Stored left→right reversed and posterior→anterior reversed (LPS-like), via the sform.
    const lps = ras.map((_, n) => {
      const [i, j, k] = [n % NX, Math.floor(n / NX) % NY, Math.floor(n / (NX * NY))];
      return ras[NX - 1 - i + NX * (NY - 1 - j + NY * k)]!;
    });
    const viaSform = readNifti(
      writeNifti1({
        dims: [NX, NY, NZ],
        data: lps,
        sform: [
          [-1, 0, 0, NX - 1],
          [0, -1, 0, NY - 1],
          [0, 0, 1, 0],
        ],
      }),
    );
    // The same through a qform: quaternion (0, 0, 1) is a 180° rotation about z.
    const viaQform = readNifti(
      writeNifti1({
        dims: [NX, NY, NZ],
        data: lps,
        qform: { b: 0, c: 0, d: 1, offset: [NX - 1, NY - 1, 0] },
      }),
    );
    expect(viaQform.affineSource).toBe('qform');
    // Stored with axes permuted: file axis 0 = S, 1 = R, 2 = A.
    const perm = new Array(NX * NY * NZ);
    for (let k = 0; k < NZ; k++)
      for (let j = 0; j < NY; j++)
        for (let i = 0; i < NX; i++) perm[k + NZ * (i + NX * j)] = ras[i + NX * (j + NY * k)];
    const permuted = readNifti(
      writeNifti1({
        dims: [NZ, NX, NY],
        data: perm,
        sform: [
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [1, 0, 0, 0],
        ],
      }),
    );
    const canonical = reorientToRas(permuted);
    expect(canonical.dims).toEqual([NX, NY, NZ]);
    expect(Array.from(canonical.data)).toEqual(Array.from(reference.data));
    expect(canonical.affine).toEqual(reference.affine);
    for (const plane of ['axial', 'coronal', 'sagittal'] as const) {
      const want = extractSlices(reference, { plane, index: 'all' });
      for (const other of [viaSform, viaQform, permuted]) {
        const got = extractSlices(other, { plane, index: 'all' });
        expect(got.map((g) => Array.from(g.data))).toEqual(want.map((w) => Array.from(w.data)));
      }
    }
  });

  it('reads int16 big-endian with scaling, 4-D volumes, gzip, and resamples anisotropic pixels', () => {
    const be = readNifti(
      writeNifti1({
        dims: [2, 2, 1],
        data: [-4, 0, 6, 100],
        datatype: 4,
        littleEndian: false,
        slope: 0.5,
        inter: 10,
      }),
    );
    expect(Array.from(be.data)).toEqual([8, 10, 13, 60]);
    expect(be.datatype).toBe(4);
    const four = writeNifti1({ dims: [2, 2, 1, 2], data: [1, 2, 3, 4, 5, 6, 7, 8], gzip: true });
    expect(Array.from(readNifti(four, { volume: 1 }).data)).toEqual([5, 6, 7, 8]);
    expect(readNifti(four).volumes).toBe(2);
    expect(() => readNifti(four, { volume: 2 })).toThrow(ConfigError);
    const aniso = readNifti(writeNifti1({ dims: [NX, NY, NZ], data: ras, pixdim: [1, 2, 1] }));
    const axial = extractSlices(aniso, { index: [0, 6], step: 2 });
    expect(axial).toHaveLength(3);
    expect([axial[0]!.width, axial[0]!.height]).toEqual([NX, 2 * NY]);
    expect(extractSlices(aniso, { isotropic: false })[0]!.height).toBe(NY);
  });

  it('rejects bad files and options with clear errors', () => {
    expect(() => readNifti(new Uint8Array(400))).toThrow(/not a NIfTI file/);
    const gz = writeNifti1({ dims: [2, 2, 1], data: [1, 2, 3, 4], gzip: true });
    expect(() => readNifti(gz.subarray(0, 20))).toThrow(IOError);
    expect(() =>
      readNifti(writeNifti1({ dims: [2, 2, 1], data: [1, 2, 3, 4], datatype: 32 })),
    ).toThrow(/datatype 32/);
    const full = writeNifti1({ dims: [4, 4, 4], data: new Array(64).fill(1) });
    expect(() => readNifti(full.subarray(0, 352 + 100))).toThrow(/truncated/);
    expect(() => readNifti('/no/such/file.nii')).toThrow(/could not read/);
    const v = readNifti(full);
    expect(() => extractSlices(v, { index: 4 })).toThrow(/out of range/);
    expect(() => extractSlices(v, { plane: 'oblique' as never })).toThrow(ConfigError);
  });
});

describe.runIf(haveMricron)('readNifti on real MRI (Debian mricron-data)', () => {
  let ch2: NiftiVolume;
  let bet: NiftiVolume;
  beforeAll(() => {
    ch2 = readNifti(`${TEMPLATES}/ch2.nii.gz`);
    bet = readNifti(`${TEMPLATES}/ch2bet.nii.gz`);
  });

  it('reads the Colin27 headers and voxels', () => {
    expect(ch2.dims).toEqual([181, 217, 181]);
    expect(ch2.spacing).toEqual([1, 1, 1]);
    expect(ch2.datatype).toBe(2);
    expect(ch2.affine[0]).toEqual([1, 0, 0, -90]);
    expect(bet.dims).toEqual(ch2.dims);
    expect(ch2.data.reduce((m, v) => Math.max(m, v), 0)).toBe(254);
    const better = readNifti(`${TEMPLATES}/ch2better.nii.gz`);
    expect(better.dims).toEqual([301, 370, 316]);
    expect(better.spacing).toEqual([0.5, 0.5, 0.5]);
  });

  it('shows anatomy the right way up: brain longer front-to-back, cerebellum posterior-inferior', () => {
    const axial = extractSlices(bet, { plane: 'axial', index: 100 })[0]!;
    const box = foregroundBox(axial, { margin: 0 })!;
    expect(box.height).toBeGreaterThan(box.width * 1.1); // antero-posterior > left-right
    const sagittal = extractSlices(bet, { plane: 'sagittal' })[0]!;
    const s = foregroundBox(sagittal, { margin: 0 })!;
    expect(s.width).toBeGreaterThan(s.height);
    // Bottom quarter of the brain (brainstem, cerebellum) lies right of centre (posterior).
    let sum = 0;
    let n = 0;
    for (let r = s.y + Math.floor(0.75 * s.height); r < s.y + s.height; r++) {
      for (let c = s.x; c < s.x + s.width; c++) {
        if (sagittal.data[r * sagittal.width + c]! > 0.1) {
          sum += c;
          n++;
        }
      }
    }
    expect(sum / n).toBeGreaterThan(s.x + 0.55 * s.width);
    // The skull-stripped brain sits inside the full head of the same subject.
    const head = extractSlices(ch2, { plane: 'axial', index: 100 })[0]!;
    const headBox = foregroundBox(head, { margin: 0 })!;
    expect(headBox.x).toBeLessThanOrEqual(box.x);
    expect(headBox.y).toBeLessThanOrEqual(box.y);
    expect(headBox.x + headBox.width).toBeGreaterThanOrEqual(box.x + box.width);
  });

  it('is invariant to how the volume is stored, and feeds the image pipeline', () => {
    // Re-encode ch2 flipped left-right and stored S-major, with a compensating sform.
    const [nx, ny, nz] = ch2.dims;
    const stored = new Uint8Array(nx * ny * nz);
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++)
          stored[k + nz * (nx - 1 - i + nx * j)] = ch2.data[i + nx * (j + ny * k)]!;
      }
    }
    const [a0, a1, a2] = ch2.affine;
    const sform = [
      [a0![2]!, -a0![0]!, a0![1]!, a0![3]! + a0![0]! * (nx - 1)],
      [a1![2]!, -a1![0]!, a1![1]!, a1![3]! + a1![0]! * (nx - 1)],
      [a2![2]!, -a2![0]!, a2![1]!, a2![3]! + a2![0]! * (nx - 1)],
    ];
    const again = readNifti(writeNifti1({ dims: [nz, nx, ny], data: stored, datatype: 2, sform }));
    for (const plane of ['axial', 'coronal', 'sagittal'] as const) {
      const want = extractSlices(ch2, { plane, index: 90 })[0]!;
      const got = extractSlices(again, { plane, index: 90 })[0]!;
      expect([got.width, got.height]).toEqual([want.width, want.height]);
      expect(got.data).toEqual(want.data);
    }
    const slices = extractSlices(ch2, { plane: 'axial', index: [60, 120], step: 20 });
    const batch = imagesToTensor(
      slices.map((s) => preprocessImage(s, { size: 64, cropToForeground: true })),
      3,
    );
    expect(batch.shape).toEqual([3, 64, 64, 3]);
    batch.dispose();
  });
});
