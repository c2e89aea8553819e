/**
 * The preprocessed-dataset cache: `<cacheDir>/<prefix>-<key>.safetensors` (images F32 NHWC +
 * labels I32) and a JSON manifest beside it. The key is a SHA-256 of the file list (relative
 * path, size and mtime, or content hashes) and the resolved preprocessing options, so a changed,
 * added or removed file, or a changed option, selects a new cache entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors, writeFileAtomic } from '@tumorxai/core';
import type { ImageFile, SkippedFile } from './scan-image-folder.js';

/** Bumped whenever the cached bytes would change for the same inputs. */
export const CACHE_FORMAT = 1;

/** How files are fingerprinted in the cache key. */
export type CacheFingerprint = 'stat' | 'content';

/** The JSON manifest written beside the safetensors file. */
export interface CacheManifest {
  format: number;
  key: string;
  createdAt: string;
  /** The resolved options the images were made with. */
  options: unknown;
  /** Per image, in tensor order: path relative to the root as on disk. */
  files: string[];
  /** Skipped entries, paths relative to the root as on disk. */
  skipped: SkippedFile[];
  shape: number[];
}

/** SHA-256 (hex) of the file list and the options. */
export function cacheKey(
  files: readonly ImageFile[],
  root: string,
  options: unknown,
  fingerprint: CacheFingerprint,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: CACHE_FORMAT, options, fingerprint }));
  for (const f of files) {
    const rel = f.path.slice(root.length);
    hash.update(`\n${rel}\u0000${f.classId}\u0000${f.size}\u0000`);
    if (fingerprint === 'content') {
      hash.update(createHash('sha256').update(readFileSync(f.path)).digest('hex'));
    } else {
      hash.update(String(f.mtimeMs));
    }
  }
  return hash.digest('hex');
}

/** Paths of the cache entry for `key`. */
export function cachePaths(cacheDir: string, key: string) {
  const base = join(cacheDir, `mri-preprocess-${key.slice(0, 24)}`);
  return { tensors: `${base}.safetensors`, manifest: `${base}.json` };
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Reads the cache's two tensors as views on the file buffer (no copy: a reload costs little more
 * than reading the file). Returns null when the file is not the expected safetensors layout.
 * The writer (`encodeSafetensors`) pads the header to 8 bytes and orders tensors by element size,
 * so both tensors are 4-byte aligned; anything else is treated as a cache miss.
 */
function readTensors(file: Uint8Array) {
  // Small files can sit at any offset of Node's buffer pool: copy those to an aligned buffer.
  const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
  if (bytes.length < 8) return null;
  const headerLength = Number(
    new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
  );
  if (headerLength > bytes.length - 8) return null;
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)),
  ) as Record<string, unknown>;
  const start = bytes.byteOffset + 8 + headerLength;
  const dataLength = bytes.length - 8 - headerLength;
  const view = <T extends Float32Array | Int32Array>(
    name: string,
    dtype: string,
    make: (b: ArrayBufferLike, o: number, n: number) => T,
  ) => {
    const e = header[name] as Entry | undefined;
    if (!e || e.dtype !== dtype || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets))
      return null;
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, d) => a * d, 1);
    if (end > dataLength || end - begin !== count * 4 || (start + begin) % 4 !== 0) return null;
    return { shape: e.shape, data: make(bytes.buffer, start + begin, count) };
  };
  const images = view('images', 'F32', (b, o, n) => new Float32Array(b, o, n));
  const labels = view('labels', 'I32', (b, o, n) => new Int32Array(b, o, n));
  if (!images || !labels) return null;
  return { images, labels, metadata: (header.__metadata__ ?? {}) as Record<string, string> };
}

/** A cache entry read back. */
export interface CacheEntry {
  manifest: CacheManifest;
  images: Float32Array;
  labels: Int32Array;
}

/**
 * Reads the entry for `key`, or `null` when it is absent, from another key or format, or
 * unreadable (a corrupt entry is treated as a miss and overwritten).
 */
export function readCache(cacheDir: string, key: string): CacheEntry | null {
  const paths = cachePaths(cacheDir, key);
  if (!existsSync(paths.manifest) || !existsSync(paths.tensors)) return null;
  try {
    const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8')) as CacheManifest;
    if (manifest.format !== CACHE_FORMAT || manifest.key !== key) return null;
    const file = readTensors(readFileSync(paths.tensors));
    if (
      !file ||
      file.metadata.key !== key ||
      JSON.stringify(file.images.shape) !== JSON.stringify(manifest.shape) ||
      file.labels.data.length !== manifest.files.length
    ) {
      return null;
    }
    return { manifest, images: file.images.data, labels: file.labels.data };
  } catch {
    return null;
  }
}

/** Writes an entry atomically: tensors first, then the manifest (its presence marks completion). */
export function writeCache(
  cacheDir: string,
  manifest: CacheManifest,
  images: Float32Array,
  labels: Int32Array,
): string {
  const paths = cachePaths(cacheDir, manifest.key);
  const bytes = encodeSafetensors(
    {
      images: { dtype: 'F32', shape: manifest.shape, data: images },
      labels: { dtype: 'I32', shape: [labels.length], data: labels },
    },
    { key: manifest.key, format: String(CACHE_FORMAT) },
  );
  writeFileAtomic(paths.tensors, bytes);
  writeFileAtomic(paths.manifest, `${JSON.stringify(manifest, null, 1)}\n`);
  return paths.tensors;
}
