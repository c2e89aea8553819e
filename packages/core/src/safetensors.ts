/**
 * The safetensors byte format (https://github.com/huggingface/safetensors), without TensorFlow.js:
 * the format in which PyTorch `state_dict`s, our checkpoints and the reference fixtures are
 * stored. Tensors in and out: `safetensors-tensors.ts`.
 *
 * Layout: `u64 LE header length N | N bytes UTF-8 JSON header | data`. The header maps names to
 * `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the data section) and may
 * hold a `__metadata__` object of string → string.
 */
import { IOError, ShapeError } from './errors.js';

/** dtypes this implementation reads and writes. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Typed arrays are read in the platform's byte order, which must be little-endian like the format. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Largest header accepted (the reference implementation uses 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as stored, without creating a TensorFlow.js tensor. */
export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  /**
   * The values, copied out of the file: `Float64Array` (F64), `Float32Array` (F32, F16 widened),
   * `BigInt64Array` (I64), `Int32Array` (I32, I16, I8), `Uint8Array` (U8, BOOL).
   */
  data: Float64Array | Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** A decoded safetensors file. */
export interface DecodedSafetensors {
  entries: Record<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

function corrupt(
  problem: string,
  got?: unknown,
  fix = 'The file is corrupt or not a safetensors file',
): IOError {
  return new IOError({ fn: 'readSafetensors', problem, got, fix });
}

function product(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function copyTyped(dtype: SafetensorsDtype, bytes: Uint8Array): SafetensorsEntry['data'] {
  if (!LITTLE_ENDIAN) {
    throw new IOError({ fn: 'readSafetensors', problem: 'big-endian platforms are not supported' });
  }
  // Copy to a fresh, aligned buffer: offsets inside the file need not be aligned. (Not
  // `bytes.slice()`: on a Node Buffer that returns a view, not a copy.)
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const buf = copy.buffer;
  const view = new DataView(buf);
  switch (dtype) {
    case 'F64':
      return new Float64Array(buf);
    case 'F32':
      return new Float32Array(buf);
    case 'F16': {
      const out = new Float32Array(bytes.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'I64':
      return new BigInt64Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'I16':
      return Int32Array.from(new Int16Array(buf));
    case 'I8':
      return Int32Array.from(new Int8Array(buf));
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buf);
  }
}

/**
 * Parses and validates a safetensors buffer without creating tensors.
 *
 * Validation: header length inside the buffer and ≤ 100 MB, valid UTF-8 JSON object, known
 * dtypes, non-negative integer shapes, offsets inside the data section, no two tensors
 * overlapping, and `prod(shape) × bytes(dtype) = end − begin`.
 *
 * @throws {IOError} (`code: 'E_IO'`) naming the first problem found.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) {
    throw new IOError({
      fn: 'readSafetensors',
      problem: 'bytes must be a Uint8Array (or a Node Buffer)',
      got: typeof bytes,
      fix: 'Read the file with fs.readFileSync(path)',
    });
  }
  if (bytes.length < 8)
    throw corrupt('buffer is shorter than the 8-byte header length', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    throw corrupt(
      `header length ${headerLength} does not fit in the buffer of ${bytes.length} bytes (max ${MAX_HEADER_BYTES})`,
      undefined,
      'The file is truncated or not a safetensors file',
    );
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (cause) {
    throw new IOError(
      {
        fn: 'readSafetensors',
        problem: 'header is not valid UTF-8 JSON',
        fix: 'The file is corrupt',
      },
      { cause },
    );
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw corrupt('header must be a JSON object', typeof header);
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Record<string, SafetensorsEntry> = {};
  const ranges: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object')
        throw corrupt('__metadata__ must be an object', raw);
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) metadata[k] = String(v);
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') throw corrupt(`entry "${name}" must be an object`, raw);
    const dtype = info.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) {
      throw new IOError({
        fn: 'readSafetensors',
        problem: `tensor "${name}" has an unsupported dtype`,
        expected: Object.keys(BYTES).join('|'),
        got: info.dtype,
      });
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw corrupt(`tensor "${name}" has an invalid shape`, shape);
    }
    const offsets = info.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw corrupt(`tensor "${name}" has invalid data_offsets`, offsets);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      throw corrupt(
        `tensor "${name}" ends at byte ${end} but the data section has ${dataLength} bytes`,
        undefined,
        'The file is truncated',
      );
    }
    const expectedBytes = product(shape as number[]) * BYTES[dtype];
    if (expectedBytes !== end - begin) {
      throw corrupt(
        `tensor "${name}": shape ${JSON.stringify(shape)} × ${dtype} needs ${expectedBytes} bytes but data_offsets span ${end - begin}`,
      );
    }
    ranges.push([begin, end, name]);
    entries[name] = {
      dtype,
      shape: shape as number[],
      data: copyTyped(dtype, bytes.subarray(dataStart + begin, dataStart + end)),
    };
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur[0] < prev[1] && cur[1] > cur[0] && prev[1] > prev[0]) {
      throw corrupt(`tensors "${prev[2]}" and "${cur[2]}" overlap`);
    }
  }
  return { entries, metadata };
}

/** A raw entry to write with {@link encodeSafetensors}. */
export interface SafetensorsInput {
  dtype: SafetensorsDtype;
  shape: number[];
  data: ArrayLike<number> | ArrayLike<bigint>;
}

function toBytes(name: string, entry: SafetensorsInput): Uint8Array {
  const { dtype, data } = entry;
  const n = product(entry.shape);
  if (data.length !== n) {
    throw new ShapeError({
      fn: 'writeSafetensors',
      problem: `tensor "${name}" has ${data.length} values but its shape ${JSON.stringify(entry.shape)} needs ${n}`,
    });
  }
  // Fast path: the platform is little-endian (checked) and the array already has the dtype's layout.
  if (
    LITTLE_ENDIAN &&
    ((dtype === 'F32' && data instanceof Float32Array) ||
      (dtype === 'I32' && data instanceof Int32Array))
  ) {
    const copy = new Uint8Array(data.byteLength);
    copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return copy;
  }
  const out = new Uint8Array(n * BYTES[dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = data[i] as number | bigint;
    switch (dtype) {
      case 'F64':
        view.setFloat64(8 * i, Number(v), true);
        break;
      case 'F32':
        view.setFloat32(4 * i, Number(v), true);
        break;
      case 'I64':
        view.setBigInt64(8 * i, BigInt(v), true);
        break;
      case 'I32':
        view.setInt32(4 * i, Number(v), true);
        break;
      case 'I16':
        view.setInt16(2 * i, Number(v), true);
        break;
      case 'I8':
        view.setInt8(i, Number(v));
        break;
      case 'U8':
        view.setUint8(i, Number(v));
        break;
      case 'BOOL':
        view.setUint8(i, v ? 1 : 0);
        break;
      case 'F16':
        throw new IOError({
          fn: 'writeSafetensors',
          problem: 'writing F16 is not supported',
          fix: 'Write F32',
        });
    }
  }
  return out;
}

/**
 * Encodes raw entries as safetensors. Tensors are ordered by (element size desc, name) so each
 * starts aligned to its element size, and the header is space-padded to a multiple of 8 bytes.
 */
export function encodeSafetensors(
  entries: Record<string, SafetensorsInput>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(entries).sort((a, b) => {
    const d = BYTES[entries[b]!.dtype] - BYTES[entries[a]!.dtype];
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    header.__metadata__ = Object.fromEntries(
      Object.entries(metadata).map(([k, v]) => [k, String(v)]),
    );
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') {
      throw new IOError({
        fn: 'writeSafetensors',
        problem: '"__metadata__" is reserved and cannot name a tensor',
      });
    }
    const entry = entries[name]!;
    const bytes = toBytes(name, entry);
    header[name] = {
      dtype: entry.dtype,
      shape: entry.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const pad = (8 - ((8 + headerBytes.length) % 8)) % 8;
  json += ' '.repeat(pad);
  headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}
