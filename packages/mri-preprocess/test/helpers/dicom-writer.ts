/**
 * Test helper: a minimal DICOM Part 10 writer (explicit VR little endian by default; implicit VR
 * and explicit big endian for the dataset on request), enough for an MR image a reader can use.
 */

export interface DicomSpec {
  rows: number;
  columns: number;
  pixels: ArrayLike<number>; // frames × rows × columns × samples, stored values
  bitsAllocated?: 8 | 16;
  bitsStored?: number;
  signed?: boolean;
  samples?: 1 | 3;
  frames?: number;
  photometric?: string;
  slope?: string;
  intercept?: string;
  windowCenter?: string;
  windowWidth?: string;
  pixelSpacing?: string;
  transferSyntax?: string;
  /** Write Pixel Data as an encapsulated (compressed-style) item sequence. */
  encapsulate?: boolean;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

class Writer {
  chunks: number[] = [];
  constructor(
    private little: boolean,
    private explicit: boolean,
  ) {}
  u16(v: number) {
    this.chunks.push(...(this.little ? [v & 255, v >> 8] : [v >> 8, v & 255]));
  }
  u32(v: number) {
    const b = [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
    this.chunks.push(...(this.little ? b : b.reverse()));
  }
  element(group: number, elem: number, vr: string, value: number[]) {
    this.u16(group);
    this.u16(elem);
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
    if (this.explicit) {
      this.chunks.push(vr.charCodeAt(0), vr.charCodeAt(1));
      if (long) {
        this.u16(0);
        this.u32(value.length);
      } else this.u16(value.length);
    } else this.u32(value.length);
    this.chunks.push(...value);
  }
  text(group: number, elem: number, vr: string, s: string) {
    const bytes = [...Buffer.from(s, 'latin1')];
    if (bytes.length % 2) bytes.push(vr === 'UI' ? 0 : 0x20);
    this.element(group, elem, vr, bytes);
  }
  us(group: number, elem: number, v: number) {
    const w = new Writer(this.little, this.explicit);
    w.u16(v);
    this.element(group, elem, 'US', w.chunks);
  }
}

export function writeDicom(spec: DicomSpec): Uint8Array {
  const syntax = spec.transferSyntax ?? EXPLICIT_LE;
  const bits = spec.bitsAllocated ?? 16;
  // File meta group: always explicit VR little endian.
  const meta = new Writer(true, true);
  const metaBody = new Writer(true, true);
  metaBody.element(0x0002, 0x0001, 'OB', [0, 1]);
  metaBody.text(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.4'); // MR Image Storage
  metaBody.text(0x0002, 0x0003, 'UI', '1.2.826.0.1.3680043.8.498.1');
  metaBody.text(0x0002, 0x0010, 'UI', syntax);
  const len = new Writer(true, true);
  len.u32(metaBody.chunks.length);
  meta.element(0x0002, 0x0000, 'UL', len.chunks);
  meta.chunks.push(...metaBody.chunks);

  const ds = new Writer(syntax !== EXPLICIT_BE, syntax !== IMPLICIT_LE);
  ds.text(0x0008, 0x0060, 'CS', 'MR');
  ds.us(0x0028, 0x0002, spec.samples ?? 1);
  ds.text(0x0028, 0x0004, 'CS', spec.photometric ?? (spec.samples === 3 ? 'RGB' : 'MONOCHROME2'));
  if (spec.samples === 3) ds.us(0x0028, 0x0006, 0);
  if (spec.frames) ds.text(0x0028, 0x0008, 'IS', String(spec.frames));
  ds.us(0x0028, 0x0010, spec.rows);
  ds.us(0x0028, 0x0011, spec.columns);
  if (spec.pixelSpacing) ds.text(0x0028, 0x0030, 'DS', spec.pixelSpacing);
  ds.us(0x0028, 0x0100, bits);
  ds.us(0x0028, 0x0101, spec.bitsStored ?? bits);
  ds.us(0x0028, 0x0102, (spec.bitsStored ?? bits) - 1);
  ds.us(0x0028, 0x0103, spec.signed ? 1 : 0);
  if (spec.windowCenter) ds.text(0x0028, 0x1050, 'DS', spec.windowCenter);
  if (spec.windowWidth) ds.text(0x0028, 0x1051, 'DS', spec.windowWidth);
  if (spec.intercept) ds.text(0x0028, 0x1052, 'DS', spec.intercept);
  if (spec.slope) ds.text(0x0028, 0x1053, 'DS', spec.slope);
  const px = new Writer(syntax !== EXPLICIT_BE, true);
  for (let i = 0; i < spec.pixels.length; i++) {
    const v = spec.pixels[i]!;
    if (bits === 8) px.chunks.push(v & 255);
    else px.u16(v & 0xffff);
  }
  if (px.chunks.length % 2) px.chunks.push(0);
  if (spec.encapsulate) {
    // (7FE0,0010) OB, undefined length: empty offset table item, one fragment, delimiter.
    ds.u16(0x7fe0);
    ds.u16(0x0010);
    ds.chunks.push(0x4f, 0x42, 0, 0);
    ds.u32(0xffffffff);
    const item = (bytes: number[]) => {
      ds.u16(0xfffe);
      ds.u16(0xe000);
      ds.u32(bytes.length);
      ds.chunks.push(...bytes);
    };
    item([]);
    item(px.chunks);
    ds.u16(0xfffe);
    ds.u16(0xe0dd);
    ds.u32(0);
  } else {
    ds.element(0x7fe0, 0x0010, bits === 8 ? 'OB' : 'OW', px.chunks);
  }
  const preamble = new Array(128).fill(0);
  return Uint8Array.from([...preamble, 0x44, 0x49, 0x43, 0x4d, ...meta.chunks, ...ds.chunks]);
}

export const SYNTAX = {
  EXPLICIT_LE,
  IMPLICIT_LE,
  EXPLICIT_BE,
  JPEG_BASELINE: '1.2.840.10008.1.2.4.50',
};
