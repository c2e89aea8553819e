/** Helpers shared by the weight I/O tests. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { type DecodedSafetensors, encodeSafetensors, type SafetensorsInput } from '@tumorxai/core';

/** Re-encodes decoded entries, optionally renaming / dropping / replacing some. */
export function reencode(
  decoded: DecodedSafetensors,
  edit: (name: string, entry: SafetensorsInput) => [string, SafetensorsInput] | null,
): Uint8Array {
  const out: Record<string, SafetensorsInput> = {};
  for (const [name, entry] of Object.entries(decoded.entries)) {
    const edited = edit(name, entry as SafetensorsInput);
    if (edited) out[edited[0]] = edited[1];
  }
  return encodeSafetensors(out);
}

export function bytesOf(data: ArrayLike<number> | ArrayLike<bigint>): Uint8Array {
  const typed = data as unknown as ArrayBufferView;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

export function snapshot(model: tfl.LayersModel): Uint8Array[] {
  return model.getWeights().map((w) => bytesOf((w.dataSync() as Float32Array).slice()));
}

/** Byte equality (vitest's deep equality is too slow for millions of elements). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function sameWeights(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => sameBytes(x, b[i]!));
}

export function expectCaught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** Options of a tiny ResNet (width 1/8, 32 px) for tests where the values do not matter. */
export const tiny = { inputShape: [32, 32, 3], widthMultiplier: 1 / 8 } as const;
