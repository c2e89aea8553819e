/**
 * DICOM reading (single- and multi-frame, uncompressed pixel data) with `dicom-parser`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, IOError } from '@tumorxai/core';
import * as dicomParserModule from 'dicom-parser';
import { LUMA_WEIGHTS } from '../image/decode-image.js';
import type { GrayImage } from '../image/gray-image.js';

// dicom-parser is a UMD bundle: under Node ESM its API is the default export.
const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ??
  dicomParserModule;

/** Transfer syntaxes with native (uncompressed) pixel data. */
const NATIVE_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};

/** Options of {@link readDicom}. */
export interface ReadDicomOptions {
  /**
   * Intensity of `images`: `'window'` (default) applies the file's VOI window (0028,1050/1051)
   * when present and otherwise min-max over all frames, giving [0, 1]; `'minmax'` always uses
   * min-max; `'raw'` keeps modality values (after Rescale Slope/Intercept). MONOCHROME1 (inverted
   * grey) is flipped to MONOCHROME2 for `'window'` and `'minmax'`.
   */
  intensity?: 'window' | 'minmax' | 'raw';
}

/** A decoded DICOM image. */
export interface DicomImage {
  /** One image per frame, in stored order (row 0 first). */
  images: GrayImage[];
  rows: number;
  columns: number;
  frames: number;
  transferSyntax: string;
  photometricInterpretation: string;
  modality?: string;
  /** Row and column spacing in mm (0028,0030). */
  pixelSpacing?: [number, number];
  /** Row and column direction cosines in LPS (0020,0037). */
  imageOrientationPatient?: number[];
  /** Position of the first pixel in LPS mm (0020,0032). */
  imagePositionPatient?: number[];
  rescale: { slope: number; intercept: number };
  window?: { center: number; width: number };
}

function numbers(ds: dicomParserModule.DataSet, tag: string): number[] | undefined {
  const s = ds.string(tag);
  if (!s) return undefined;
  const v = s.split('\\').map(Number);
  return v.every(Number.isFinite) ? v : undefined;
}

/**
 * Reads a DICOM file (Part 10, with or without the 128-byte preamble) into float32 images.
 *
 * Supported: implicit / explicit VR little endian, deflated, explicit big endian; 8, 16 or 32
 * bits allocated, signed or unsigned, any Bits Stored (masked and sign-extended), one or three
 * samples per pixel (RGB → BT.601 luma), multi-frame. Compressed (encapsulated) syntaxes are
 * rejected with the tool to convert them. Orientation: pixels are returned as stored; for the
 * usual axial orientation (0020,0037) = `1\0\0\0\1\0` that is the radiological display
 * convention (patient's right on the image's left).
 *
 * @throws {IOError} when the file is unreadable, not DICOM, lacks pixel data, or is compressed.
 * @throws {ConfigError} on an unknown `intensity`.
 * @example
 * ```ts
 * const dicom = readDicom('IM0001.dcm');
 * const batch = imagesToTensor(dicom.images.map((im) => preprocessImage(im, { size: 224 })));
 * ```
 */
export function readDicom(source: string | Uint8Array, options: ReadDicomOptions = {}): DicomImage {
  const fn = 'readDicom';
  const intensity = options.intensity ?? 'window';
  if (!['window', 'minmax', 'raw'].includes(intensity)) {
    throw new ConfigError({
      fn,
      problem: 'unknown intensity',
      expected: 'window | minmax | raw',
      got: intensity,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? readFileSync(source) : source;
  } catch (cause) {
    throw new IOError({ fn, problem: `could not read ${source}` }, { cause });
  }
  const name = typeof source === 'string' ? source : 'buffer';
  let ds: dicomParserModule.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IOError(
      {
        fn,
        problem: `${name} is not a readable DICOM file: ${reason}`,
        fix: 'Check it is a DICOM Part 10 file',
      },
      { cause },
    );
  }
  const syntax = ds.string('x00020010') ?? '1.2.840.10008.1.2';
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new IOError({ fn, problem: `${name} has no Pixel Data (7FE0,0010)` });
  if (!NATIVE_SYNTAXES[syntax] || pixel.encapsulatedPixelData) {
    throw new IOError({
      fn,
      problem: `${name} uses compressed transfer syntax ${syntax}`,
      expected: Object.keys(NATIVE_SYNTAXES).join(' | '),
      fix: 'Decompress it first, e.g. `gdcmconv --raw in.dcm out.dcm` or `dcmdjpeg in.dcm out.dcm`',
    });
  }
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const planar = ds.uint16('x00280006') ?? 0;
  const frames = Number.parseInt(ds.string('x00280008') ?? '1', 10) || 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  const slope = numbers(ds, 'x00281053')?.[0] ?? 1;
  const intercept = numbers(ds, 'x00281052')?.[0] ?? 0;
  const bytesPer = bitsAllocated / 8;
  const pixels = rows * columns;
  const needed = pixels * samples * frames * bytesPer;
  if (
    rows < 1 ||
    columns < 1 ||
    ![8, 16, 32].includes(bitsAllocated) ||
    (samples !== 1 && samples !== 3)
  ) {
    throw new IOError({
      fn,
      problem: `${name} has an unsupported pixel layout`,
      got: { rows, columns, samples, bitsAllocated },
    });
  }
  if (pixel.length < needed || pixel.dataOffset + needed > ds.byteArray.length) {
    throw new IOError({
      fn,
      problem: `${name}: Pixel Data is truncated`,
      expected: `${needed} bytes`,
      got: pixel.length,
    });
  }
  const little = syntax !== '1.2.840.10008.1.2.2';
  const view = new DataView(
    ds.byteArray.buffer,
    ds.byteArray.byteOffset + pixel.dataOffset,
    needed,
  );
  const read = (index: number): number => {
    const o = index * bytesPer;
    let raw =
      bitsAllocated === 8
        ? view.getUint8(o)
        : bitsAllocated === 16
          ? view.getUint16(o, little)
          : view.getUint32(o, little);
    if (bitsAllocated === 32) return signed ? raw | 0 : raw;
    // Keep the low `bitsStored` bits, sign-extending when signed.
    raw = (raw << (32 - bitsStored)) >>> 0;
    return signed ? (raw | 0) >> (32 - bitsStored) : raw >>> (32 - bitsStored);
  };
  const planes: Float32Array[] = [];
  for (let f = 0; f < frames; f++) {
    const out = new Float32Array(pixels);
    const base = f * pixels * samples;
    for (let i = 0; i < pixels; i++) {
      let v: number;
      if (samples === 1) v = read(base + i);
      else if (planar === 0)
        v =
          LUMA_WEIGHTS[0] * read(base + 3 * i) +
          LUMA_WEIGHTS[1] * read(base + 3 * i + 1) +
          LUMA_WEIGHTS[2] * read(base + 3 * i + 2);
      else
        v =
          LUMA_WEIGHTS[0] * read(base + i) +
          LUMA_WEIGHTS[1] * read(base + pixels + i) +
          LUMA_WEIGHTS[2] * read(base + 2 * pixels + i);
      out[i] = v * slope + intercept;
    }
    planes.push(out);
  }
  const center = numbers(ds, 'x00281050')?.[0];
  const width = numbers(ds, 'x00281051')?.[0];
  const window =
    center !== undefined && width !== undefined && width > 0 ? { center, width } : undefined;
  if (intensity !== 'raw') {
    let lo: number;
    let hi: number;
    if (intensity === 'window' && window) {
      // DICOM PS3.3 C.11.2.1.2 linear VOI: [c − 0.5 − (w − 1)/2, c − 0.5 + (w − 1)/2].
      lo = window.center - 0.5 - (window.width - 1) / 2;
      hi = window.center - 0.5 + (window.width - 1) / 2;
    } else {
      lo = Number.POSITIVE_INFINITY;
      hi = Number.NEGATIVE_INFINITY;
      for (const p of planes) for (const v of p) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    const inv = hi > lo ? 1 / (hi - lo) : 0;
    const invert = photometric === 'MONOCHROME1';
    for (const p of planes) {
      for (let i = 0; i < p.length; i++) {
        const v = Math.min(1, Math.max(0, (p[i]! - lo) * inv));
        p[i] = invert ? 1 - v : v;
      }
    }
  }
  const spacing = numbers(ds, 'x00280030');
  return {
    images: planes.map((data) => ({ data, width: columns, height: rows })),
    rows,
    columns,
    frames,
    transferSyntax: syntax,
    photometricInterpretation: photometric,
    modality: ds.string('x00080060')?.trim(),
    pixelSpacing: spacing && spacing.length >= 2 ? [spacing[0]!, spacing[1]!] : undefined,
    imageOrientationPatient: numbers(ds, 'x00200037'),
    imagePositionPatient: numbers(ds, 'x00200032'),
    rescale: { slope, intercept },
    window,
  };
}
