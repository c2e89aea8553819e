import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DataError } from '@tumorxai/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePhantomDataset, loadImageFolder, MRI_CLASS_NAMES } from '../src/index.js';
import { tempDir } from './helpers/temp.js';

const root = join(tempDir('load'), 'data');
const cacheDir = tempDir('cache');
const GLIOMA_T1 = MRI_CLASS_NAMES[0]!;

beforeAll(async () => {
  await generatePhantomDataset({ outDir: root, imagesPerClass: 3, size: 48, seed: 3 });
  const good = readFileSync(join(root, GLIOMA_T1, '0000.jpg'));
  writeFileSync(join(root, GLIOMA_T1, 'truncated.jpg'), good.subarray(0, good.length >> 1));
  writeFileSync(join(root, '_NORMAL T2', 'not-really.png'), 'plain text');
  writeFileSync(join(root, '_NORMAL T2', '.DS_Store'), 'x');
});

describe('loadImageFolder', () => {
  it('loads every decodable image, labels it, and reports the rest', async () => {
    const before = tf.memory().numTensors;
    const data = await loadImageFolder(root, { size: 32 });
    expect(tf.memory().numTensors - before).toBe(1); // only `images`
    expect(data.images.shape).toEqual([51, 32, 32, 1]);
    expect(data.labels).toHaveLength(51);
    expect(data.paths).toHaveLength(51);
    expect(data.classes).toHaveLength(17);
    expect(data.classes.every((c) => c.count === 3)).toBe(true);
    for (let i = 0; i < 51; i++) {
      const cls = data.classes[data.labels[i]!]!;
      expect(data.paths[i]).toContain(`/${cls.name}/`);
      expect(data.familyLabels[i]).toBe(cls.familyId);
      expect(data.sequenceLabels[i]).toBe(cls.sequenceId);
    }
    const failed = data.skipped
      .filter((s) => s.code === 'decode-failed')
      .map((s) => s.path.split('/').pop());
    expect(failed.sort()).toEqual(['not-really.png', 'truncated.jpg']);
    expect(data.skipped.some((s) => s.code === 'junk')).toBe(true);
    const values = data.images.dataSync();
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(1);
    expect(data.cache).toBe('off');
    data.images.dispose();
  });

  it('replicates to 3 channels and applies the preprocessing options', async () => {
    const data = await loadImageFolder(root, {
      size: [24, 20],
      channels: 3,
      normalize: 'zscore',
      cropToForeground: true,
    });
    expect(data.images.shape).toEqual([51, 24, 20, 3]);
    const slice = tf.slice(data.images, [0, 0, 0, 0], [1, 24, 20, 3]);
    const first = slice.dataSync() as Float32Array;
    slice.dispose();
    expect(first[30]).toBe(first[31]);
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    tf.dispose(data.images);
  });

  it('writes a cache, reads it back bit-exactly, and invalidates it on change', async () => {
    const first = await loadImageFolder(root, { size: 32, cacheDir });
    expect(first.cache).toBe('written');
    const files = readdirSync(cacheDir);
    expect(files.filter((f) => f.endsWith('.safetensors'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const again = await loadImageFolder(root, { size: 32, cacheDir });
    expect(again.cache).toBe('hit');
    expect(Array.from(again.images.dataSync())).toEqual(Array.from(first.images.dataSync()));
    expect(again.labels).toEqual(first.labels);
    expect(again.paths).toEqual(first.paths);
    expect(again.skipped.map((s) => s.path).sort()).toEqual(
      first.skipped.map((s) => s.path).sort(),
    );
    expect(again.classes).toEqual(first.classes);

    // A different option is a different entry.
    const other = await loadImageFolder(root, { size: 32, cacheDir, normalize: 'percentile' });
    expect(other.cache).toBe('written');
    // A rewritten file invalidates the entry.
    const target = join(root, GLIOMA_T1, '0001.jpg');
    writeFileSync(target, readFileSync(join(root, GLIOMA_T1, '0002.jpg')));
    utimesSync(target, new Date(), new Date(Date.now() + 5000));
    const changed = await loadImageFolder(root, { size: 32, cacheDir });
    expect(changed.cache).toBe('written');
    const k = changed.paths.indexOf(target);
    const row = (t: tf.Tensor4D, i: number) => {
      const slice = tf.slice(t, [i, 0, 0, 0], [1, 32, 32, 1]);
      const values = Array.from(slice.dataSync());
      slice.dispose();
      return values;
    };
    expect(row(changed.images, k)).toEqual(row(changed.images, k + 1));
    expect(row(changed.images, k)).not.toEqual(row(first.images, k));
    tf.dispose([first.images, again.images, other.images, changed.images]);
  });

  it('rebuilds a corrupt cache, and content fingerprints ignore mtime-only changes', async () => {
    const dir = tempDir('cache2');
    const a = await loadImageFolder(root, { size: 16, cacheDir: dir, cacheFingerprint: 'content' });
    const tensors = readdirSync(dir).find((f) => f.endsWith('.safetensors'))!;
    const touched = join(root, GLIOMA_T1, '0000.jpg');
    utimesSync(touched, new Date(), new Date(Date.now() + 60_000));
    const b = await loadImageFolder(root, { size: 16, cacheDir: dir, cacheFingerprint: 'content' });
    expect(b.cache).toBe('hit');
    writeFileSync(join(dir, tensors), 'garbage');
    const c = await loadImageFolder(root, { size: 16, cacheDir: dir, cacheFingerprint: 'content' });
    expect(c.cache).toBe('written');
    expect(Array.from(c.images.dataSync())).toEqual(Array.from(a.images.dataSync()));
    tf.dispose([a.images, b.images, c.images]);
  });

  it('fails clearly when nothing decodes or options are wrong', async () => {
    const bad = tempDir('bad');
    const cls = join(bad, '_NORMAL T1');
    mkdirSync(cls);
    writeFileSync(join(cls, 'a.jpg'), 'nope');
    await expect(loadImageFolder(bad, { size: 8 })).rejects.toThrow(DataError);
    await expect(loadImageFolder(root, { size: 8, channels: 2 as never })).rejects.toThrow(
      ConfigError,
    );
    await expect(loadImageFolder(join(bad, 'missing'), { size: 8 })).rejects.toThrow(
      /does not exist/,
    );
  });
});
