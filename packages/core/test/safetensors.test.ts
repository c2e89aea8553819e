import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  IOError,
  readSafetensors,
  writeSafetensors,
} from '../src/index.js';
import { expectNoTensorLeak, fixturePath } from '../src/testing/index.js';

function headerBytes(header: object, data = new Uint8Array(0), pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function allFixtureFiles(): string[] {
  const root = fixturePath('resnet-cam');
  const out: string[] = [];
  for (const dir of readdirSync(root)) {
    if (!statSync(join(root, dir)).isDirectory()) continue;
    for (const f of readdirSync(join(root, dir))) {
      if (f.endsWith('.safetensors')) out.push(join(root, dir, f));
    }
  }
  return out;
}

describe('readSafetensors', () => {
  const files = allFixtureFiles();

  it('finds the resnet-cam fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files.map((f) => [f.split('resnet-cam/')[1]!, f]))(
    'reads every tensor of %s',
    (_, file) => {
      const bytes = readFileSync(file);
      const decoded = decodeSafetensors(bytes);
      expect(Object.keys(decoded.entries).length).toBeGreaterThan(0);
      const tensors = readSafetensors(bytes);
      for (const [name, entry] of Object.entries(decoded.entries)) {
        const t = tensors[name]!;
        expect(t.shape).toEqual(entry.shape);
        expect(t.size).toBe(entry.data.length);
      }
      tf.dispose(tensors);
    },
  );

  it('maps torch dtypes: F32 weights, I64 num_batches_tracked, U8 images', () => {
    const weights = readSafetensors(
      readFileSync(fixturePath('resnet-cam/resnet18/weights.safetensors')),
    );
    expect(weights['conv1.weight']!.shape).toEqual([64, 3, 7, 7]);
    expect(weights['conv1.weight']!.dtype).toBe('float32');
    expect(weights['bn1.num_batches_tracked']!.dtype).toBe('int32');
    expect(weights['bn1.num_batches_tracked']!.dataSync()[0]).toBe(8);
    tf.dispose(weights);
    const overlay = decodeSafetensors(
      readFileSync(fixturePath('resnet-cam/resnet18/overlay.safetensors')),
    );
    const lut = overlay.entries.jet_lut_rgb!;
    expect(lut.dtype).toBe('U8');
    expect(Array.from(lut.data.slice(0, 3) as Uint8Array)).toEqual([0, 0, 128]);
  });

  it('round-trips tensors and metadata bit-exactly', () => {
    const input = {
      a: tf.tensor([1.5, -2, Math.PI, 1e-30], [2, 2]),
      b: tf.tensor([1, -2, 3], [3], 'int32'),
      c: tf.tensor([true, false], [2], 'bool'),
      empty: tf.zeros([0, 3]),
    };
    const bytes = writeSafetensors(input, { epoch: '3' });
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8).toBe(0);
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ epoch: '3' });
    const back = readSafetensors(bytes);
    for (const [name, t] of Object.entries(input)) {
      expect(back[name]!.dtype).toBe(t.dtype);
      expect(back[name]!.shape).toEqual(t.shape);
      expect(Array.from(back[name]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    tf.dispose([input, back]);
  });

  it('aligns tensors to their element size and pads the header to 8 bytes', () => {
    const bytes = encodeSafetensors({
      u: { dtype: 'U8', shape: [3], data: [1, 2, 3] },
      d: { dtype: 'F64', shape: [2], data: [0.1, 0.2] },
      l: { dtype: 'I64', shape: [1], data: [5n] },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const { entries } = decodeSafetensors(bytes);
    expect(Array.from(entries.d!.data as Float64Array)).toEqual([0.1, 0.2]);
    expect(Array.from(entries.l!.data as BigInt64Array)).toEqual([5n]);
    expect(() => readSafetensors(bytes)).toThrow(/F64/);
    const cast = readSafetensors(bytes, { float64: 'float32' });
    expect(cast.d!.dtype).toBe('float32');
    tf.dispose(cast);
  });

  it('rejects corrupt headers with typed I/O errors', () => {
    const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);
    const good = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(() => readSafetensors(headerBytes(good, f32))).not.toThrow();
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['too short', new Uint8Array(4), /shorter than/],
      [
        'header length past the end',
        (() => {
          const b = headerBytes(good, f32);
          new DataView(b.buffer).setBigUint64(0, 10_000n, true);
          return b;
        })(),
        /does not fit/,
      ],
      [
        'not JSON',
        (() => {
          const b = headerBytes(good, f32);
          b[8] = 0x7b;
          b[9] = 0x7b;
          return b;
        })(),
        /JSON/,
      ],
      ['array header', headerBytes([1, 2], f32), /JSON object/],
      [
        'unknown dtype',
        headerBytes({ x: { dtype: 'C64', shape: [2], data_offsets: [0, 8] } }, f32),
        /dtype/,
      ],
      [
        'bad shape',
        headerBytes({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32),
        /shape/,
      ],
      [
        'offsets out of range',
        headerBytes({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32),
        /truncated/,
      ],
      [
        'size mismatch',
        headerBytes({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32),
        /needs 12 bytes/,
      ],
      [
        'reversed offsets',
        headerBytes({ x: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32),
        /data_offsets/,
      ],
      [
        'overlap',
        headerBytes(
          {
            x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
          },
          f32,
        ),
        /overlap/,
      ],
      [
        'truncated file',
        readFileSync(fixturePath('resnet-cam/resnet18/inputs.safetensors')).subarray(0, 200),
        /truncated/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      let error: unknown;
      try {
        readSafetensors(bytes);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(IOError);
      expect((error as IOError).code, name).toBe('E_IO');
      expect((error as Error).message, name).toMatch(message);
      expect((error as Error).message, name).toMatch(/^readSafetensors: /);
    }
  });

  it('rejects I64 values outside int32 and unsupported tensor dtypes', () => {
    const big = encodeSafetensors({ n: { dtype: 'I64', shape: [1], data: [2n ** 40n] } });
    expect(() => readSafetensors(big)).toThrow(/int32 range/);
    const c = tf.complex([1], [2]);
    expect(() => writeSafetensors({ c })).toThrow(IOError);
    c.dispose();
  });

  it('does not leak tensors', async () => {
    const bytes = writeSafetensors({ a: tf.ones([4, 4]) });
    await expectNoTensorLeak(() => readSafetensors(bytes));
  });
});
