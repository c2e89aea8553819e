/**
 * Scans a class-per-folder image dataset (torchvision `ImageFolder` layout) such as the
 * "Brain Tumor MRI Images 17 Classes" dataset, without decoding any image.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DataError, IOError } from '@tumorxai/core';
import { IMAGE_EXTENSIONS } from '../image/decode-image.js';
import { compareCodePoints, MRI_SEQUENCES, parseClassName } from './class-names.js';
import type { ImageClass, ImageFile, ImageFolderScan, SkippedFile } from './image-folder-types.js';

export type {
  ImageClass,
  ImageFile,
  ImageFolderScan,
  SkipCode,
  SkippedFile,
} from './image-folder-types.js';

/** Options of {@link scanImageFolder}. */
export interface ScanImageFolderOptions {
  /** Accepted extensions, lower case with the dot (default `.jpg .jpeg .png .webp .tif .tiff`). */
  extensions?: readonly string[];
}

const JUNK_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r']);

function isJunk(name: string): boolean {
  return name.startsWith('.') || JUNK_FILES.has(name.toLowerCase()) || name === '__MACOSX';
}

function readDir(path: string, skipped: SkippedFile[]): Dirent[] | null {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch (error) {
    skipped.push({
      path,
      code: 'unreadable',
      reason: `cannot list folder: ${(error as Error).message}`,
    });
    return null;
  }
}

/** Stats `path` following symlinks; returns null (and reports) when it cannot be read. */
function kind(path: string, skipped: SkippedFile[]) {
  try {
    return statSync(path);
  } catch (error) {
    skipped.push({ path, code: 'unreadable', reason: `cannot stat: ${(error as Error).message}` });
    return null;
  }
}

/**
 * Lists the classes and image files under `root` (one folder per class; images may sit in
 * nested sub-folders of their class folder). Nothing is decoded.
 *
 * Class names are NFC-normalised (macOS writes NFD), so `Atípico` spelled either way is one
 * class; file paths are kept as on disk. Classes are sorted in code-point order and numbered
 * from 0; family and sequence are parsed from each name ({@link parseClassName}).
 *
 * Reported in `skipped`, never fatal: junk (`.DS_Store`, `Thumbs.db`, `._*`, `__MACOSX`),
 * non-image extensions, zero-byte files, unreadable entries, files directly under the root and
 * empty class folders (which get no id).
 *
 * @throws {IOError} when `root` does not exist or is not a folder.
 * @throws {DataError} when no class folder holds an image.
 * @example
 * ```ts
 * const scan = scanImageFolder('data/brain-mri-17');
 * scan.classes.map((c) => [c.id, c.family, c.sequence, c.count]);
 * scan.skipped; // [{ path, code: 'junk', reason: '…' }, …]
 * ```
 */
export function scanImageFolder(
  root: string,
  options: ScanImageFolderOptions = {},
): ImageFolderScan {
  const fn = 'scanImageFolder';
  const absRoot = resolve(root);
  let rootStats: ReturnType<typeof statSync>;
  try {
    rootStats = statSync(absRoot);
  } catch (cause) {
    throw new IOError(
      {
        fn,
        problem: `dataset root ${absRoot} does not exist`,
        fix: 'Check the path, or generate phantoms with generatePhantomDataset',
      },
      { cause },
    );
  }
  if (!rootStats.isDirectory()) {
    throw new IOError({
      fn,
      problem: `dataset root ${absRoot} is not a folder`,
      expected: 'a folder with one sub-folder per class',
    });
  }
  const extensions = new Set((options.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase()));
  const skipped: SkippedFile[] = [];
  type Found = Omit<ImageFile, 'classId'>;
  const byClass = new Map<string, { folders: string[]; files: Found[] }>();

  const visited = new Set<string>([`${rootStats.dev}:${rootStats.ino}`]);
  const walk = (dir: string, into: Found[]) => {
    for (const entry of readDir(dir, skipped) ?? []) {
      const path = join(dir, entry.name);
      if (isJunk(entry.name)) {
        skipped.push({ path, code: 'junk', reason: 'system or hidden file' });
        continue;
      }
      const stats = kind(path, skipped);
      if (!stats) continue;
      if (stats.isDirectory()) {
        const id = `${stats.dev}:${stats.ino}`;
        if (visited.has(id)) {
          skipped.push({
            path,
            code: 'unreadable',
            reason: 'folder already visited (symlink loop)',
          });
          continue;
        }
        visited.add(id);
        walk(path, into);
      } else if (!extensions.has(extname(entry.name).toLowerCase())) {
        skipped.push({
          path,
          code: 'not-image',
          reason: `extension "${extname(entry.name)}" is not an image type`,
        });
      } else if (stats.size === 0) {
        skipped.push({ path, code: 'empty-file', reason: 'zero-byte file' });
      } else {
        const rel = relative(absRoot, path).split(/[\\/]/).join('/').normalize('NFC');
        into.push({ path, relativePath: rel, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };

  for (const entry of readDir(absRoot, skipped) ?? []) {
    const path = join(absRoot, entry.name);
    if (isJunk(entry.name)) {
      skipped.push({ path, code: 'junk', reason: 'system or hidden file' });
      continue;
    }
    const stats = kind(path, skipped);
    if (!stats) continue;
    if (!stats.isDirectory()) {
      skipped.push({
        path,
        code: 'outside-class',
        reason: 'file directly under the root belongs to no class',
      });
      continue;
    }
    const name = entry.name.normalize('NFC').trim();
    const slot = byClass.get(name) ?? { folders: [], files: [] };
    slot.folders.push(entry.name);
    byClass.set(name, slot);
    const before = slot.files.length;
    visited.add(`${stats.dev}:${stats.ino}`);
    walk(path, slot.files);
    if (slot.files.length === before) {
      skipped.push({ path, code: 'empty-class', reason: 'class folder holds no image file' });
    }
  }

  const names = [...byClass.keys()]
    .filter((n) => byClass.get(n)!.files.length > 0)
    .sort(compareCodePoints);
  if (names.length === 0) {
    throw new DataError({
      fn,
      problem: `no class folder under ${absRoot} holds an image`,
      expected: `sub-folders with ${[...extensions].join('/')} files`,
      got: `${skipped.length} skipped entries`,
      fix: 'Point at the folder that contains the class folders',
    });
  }
  const parsed = names.map((n) => parseClassName(n));
  const families = [...new Set(parsed.map((p) => p.family))].sort(compareCodePoints);
  const sequences = [...MRI_SEQUENCES];
  const classes: ImageClass[] = [];
  const files: ImageFile[] = [];
  names.forEach((name, id) => {
    const slot = byClass.get(name)!;
    const p = parsed[id]!;
    slot.files.sort((a, b) => compareCodePoints(a.relativePath, b.relativePath));
    for (const f of slot.files) files.push({ ...f, classId: id });
    classes.push({
      id,
      name,
      family: p.family,
      sequence: p.sequence,
      familyId: families.indexOf(p.family),
      sequenceId: p.sequence === null ? -1 : sequences.indexOf(p.sequence),
      count: slot.files.length,
      folders: slot.folders.sort(compareCodePoints),
    });
  });
  return { root: absRoot, classes, files, skipped, families, sequences };
}
