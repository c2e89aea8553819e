import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, IOError } from '@tumorxai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanImageFolder } from '../src/index.js';
import { encode, tempDir } from './helpers/temp.js';

const MENINGIOMA = 'Meningioma (de Baixo Grau, Atípico, Anaplásico, Transicional) T1C+';
const GLIOMA_T2 =
  'Glioma (Astrocitoma, Ganglioglioma, Glioblastoma, Oligodendroglioma, Ependimoma) T2';
const root = tempDir('scan');

beforeAll(async () => {
  const png = await encode(new Uint8Array(16).fill(128), 4, 4, 1);
  const nfd = join(root, MENINGIOMA.normalize('NFD'));
  const nfc = join(root, MENINGIOMA);
  mkdirSync(join(nfd, 'nested', 'deeper'), { recursive: true });
  mkdirSync(nfc, { recursive: true });
  mkdirSync(join(root, '_NORMAL T1'));
  mkdirSync(join(root, GLIOMA_T2));
  mkdirSync(join(root, '__MACOSX'));
  writeFileSync(join(root, '.DS_Store'), 'x');
  writeFileSync(join(root, 'readme.txt'), 'hello');
  writeFileSync(join(nfd, 'a (1) + b.JPG'), png);
  writeFileSync(join(nfd, 'nested', 'deeper', 'ção.PNG'), png);
  writeFileSync(join(nfd, 'Thumbs.db'), 'x');
  writeFileSync(join(nfd, '._a (1) + b.JPG'), 'x');
  writeFileSync(join(nfd, 'notes.txt'), 'x');
  writeFileSync(join(nfd, 'empty.jpg'), '');
  writeFileSync(join(nfc, 'c.jpeg'), png);
  writeFileSync(join(root, '_NORMAL T1', 'n.jpg'), png);
  writeFileSync(join(root, GLIOMA_T2, 'desktop.ini'), 'x');
  symlinkSync(root, join(root, '_NORMAL T1', 'loop')); // a symlink back to the root
});

describe('scanImageFolder', () => {
  it('finds classes, merges NFC/NFD spellings, and walks nested folders', () => {
    const scan = scanImageFolder(root);
    expect(scan.classes.map((c) => c.name)).toEqual([MENINGIOMA, '_NORMAL T1']);
    const [men, normal] = scan.classes;
    expect(men).toMatchObject({ id: 0, family: 'Meningioma', sequence: 'T1C+', count: 3 });
    expect(men!.folders).toHaveLength(2);
    expect(normal).toMatchObject({ id: 1, family: 'NORMAL', sequence: 'T1', count: 1 });
    expect(scan.families).toEqual(['Meningioma', 'NORMAL']);
    expect(scan.sequences).toEqual(['T1', 'T1C+', 'T2']);
    expect(men!.familyId).toBe(0);
    expect(men!.sequenceId).toBe(1);
    expect(
      scan.files.map((f) => [f.relativePath.split('/').slice(1).join('/'), f.classId]),
    ).toEqual([
      ['a (1) + b.JPG', 0],
      ['c.jpeg', 0],
      ['nested/deeper/ção.PNG', 0],
      ['n.jpg', 1],
    ]);
    // Paths are kept as on disk (NFD here) so they can be opened.
    const nested = scan.files.find((f) => f.relativePath.endsWith('ção.PNG'))!;
    expect(nested.path).toContain(MENINGIOMA.normalize('NFD'));
    expect(nested.relativePath.startsWith(MENINGIOMA)).toBe(true);
    expect(nested.size).toBeGreaterThan(0);
  });

  it('reports junk, non-images, zero-byte files, stray files and empty classes', () => {
    const { skipped } = scanImageFolder(root);
    const byCode = (code: string) =>
      skipped
        .filter((s) => s.code === code)
        .map((s) => s.path.split('/').pop())
        .sort();
    expect(byCode('junk')).toEqual([
      '.DS_Store',
      '._a (1) + b.JPG',
      'Thumbs.db',
      '__MACOSX',
      'desktop.ini',
    ]);
    expect(byCode('not-image')).toEqual(['notes.txt']);
    expect(byCode('empty-file')).toEqual(['empty.jpg']);
    expect(byCode('outside-class')).toEqual(['readme.txt']);
    expect(byCode('empty-class')).toEqual([GLIOMA_T2]);
    expect(byCode('unreadable')).toEqual(['loop']);
    for (const s of skipped) expect(s.reason.length).toBeGreaterThan(5);
  });

  it('throws clear errors for a missing root, a file root and a root without images', () => {
    expect(() => scanImageFolder(join(root, 'nope'))).toThrow(IOError);
    expect(() => scanImageFolder(join(root, 'nope'))).toThrow(/does not exist/);
    expect(() => scanImageFolder(join(root, 'readme.txt'))).toThrow(/is not a folder/);
    const empty = join(root, GLIOMA_T2);
    expect(() => scanImageFolder(empty)).toThrow(DataError);
    const bare = tempDir('bare');
    expect(() => scanImageFolder(bare)).toThrow(/no class folder/);
  });

  it('honours custom extensions', () => {
    const scan = scanImageFolder(root, { extensions: ['.png'] });
    expect(scan.files.map((f) => f.relativePath.split('/').pop())).toEqual(['ção.PNG']);
  });
});
