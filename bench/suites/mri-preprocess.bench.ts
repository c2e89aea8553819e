/**
 * `npm run bench -- mri-preprocess`: data-path throughput of `@tumorxai/mri-preprocess`.
 *
 * Rows:
 * - decode + preprocess: 512×512 phantom JPEGs → 224×224 float (sharp decode, then pad-resize +
 *   min-max in JS), per image sequentially and through `loadImageFolder` (concurrent decode);
 * - cache: writing and reloading 1000 preprocessed 224×224 images (safetensors + manifest);
 * - augmentation: a batch of 64 at 224 px through the SimCLR recipe (random resized crop,
 *   flip, colour jitter p 0.8, blur p 0.5), and each op alone, on the cpu and the wasm backend;
 * - phantom generation at 128 px (images/s; the target is ≥ 200).
 * Every timing is the median of several repetitions after a warm-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend } from '@tumorxai/core';
import {
  type AugmentationOp,
  colorJitter,
  compose,
  decodeImage,
  gaussianBlur,
  generatePhantomDataset,
  horizontalFlip,
  loadImageFolder,
  preprocessImage,
  randomResizedCrop,
  scanImageFolder,
} from '@tumorxai/mri-preprocess';
import { type BenchRow, type BenchSuite, median } from '../types.js';

async function time(
  fn: () => unknown | Promise<unknown>,
  repeats: number,
  warmup = 1,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

const simclr = (): AugmentationOp =>
  compose([
    randomResizedCrop({ size: 224 }),
    horizontalFlip(),
    colorJitter({ brightness: 0.8, contrast: 0.8, p: 0.8 }),
    gaussianBlur({ sigma: [0.1, 2], p: 0.5 }),
  ]);

async function augmentationRows(
  backend: 'cpu' | 'wasm',
  log: (m: string) => void,
): Promise<BenchRow[]> {
  await initBackend(backend, { logger: null });
  const rng = createRng(0);
  const images = tf.tidy(() =>
    tf.randomUniform([64, 224, 224, 1], 0, 1, 'float32', 1),
  ) as tf.Tensor4D;
  const ops: Array<[string, AugmentationOp]> = [
    ['SimCLR view', simclr()],
    ['randomResizedCrop bilinear', randomResizedCrop({ size: 224 })],
    ['randomResizedCrop bicubic', randomResizedCrop({ size: 224, interpolation: 'bicubic' })],
    ['colorJitter b/c/γ', colorJitter({ brightness: 0.8, contrast: 0.8, gamma: 0.3 })],
    ['gaussianBlur p=1 (23 taps)', gaussianBlur({ p: 1 })],
  ];
  const rows: BenchRow[] = [];
  for (const [name, op] of ops) {
    log(`  ${name} on ${backend}`);
    const seconds = await time(() => {
      const out = op(images, rng);
      out.dataSync();
      out.dispose();
    }, 3);
    rows.push({
      name: `augment ${name}, batch 64 × 224² (${backend})`,
      metrics: { 'images/s': 64 / seconds, 'batch s': seconds },
    });
  }
  images.dispose();
  return rows;
}

export const suite: BenchSuite = {
  name: 'mri-preprocess',
  description: 'decode + preprocess, cache reload, augmentation (cpu, wasm), phantom generation',
  async run({ log }) {
    const rows: BenchRow[] = [];
    const work = mkdtempSync(join(tmpdir(), 'bench-mri-'));
    try {
      // Phantom generation at 128 px.
      log('phantoms 128 px');
      let n = 0;
      const cpuBefore = process.cpuUsage();
      const gen = await time(async () => {
        const out = await generatePhantomDataset({
          outDir: join(work, 'gen'),
          imagesPerClass: 30,
          size: 128,
          seed: n++,
        });
        return out.files.length;
      }, 3);
      const cpu = process.cpuUsage(cpuBefore);
      // CPU time (main thread + sharp's pool) shows the cost independently of other load.
      const cpuSeconds = (cpu.user + cpu.system) / 1e6 / 4; // 1 warm-up + 3 timed runs
      rows.push({
        name: 'generatePhantomDataset 510 images, 128 px',
        metrics: { 'images/s': 510 / gen, 'total s': gen, 'images per CPU-s': 510 / cpuSeconds },
      });

      // Decode + preprocess 512×512 JPEG → 224×224.
      log('decode + preprocess 512 → 224');
      const big = join(work, 'big');
      await generatePhantomDataset({ outDir: big, imagesPerClass: 6, size: 512, seed: 1 });
      const files = scanImageFolder(big).files.map((f) => f.path);
      const decodeOnly = await time(async () => {
        for (const f of files) await decodeImage(f);
      }, 3);
      const decoded = await Promise.all(files.map((f) => decodeImage(f)));
      const prepOnly = await time(() => {
        for (const d of decoded) preprocessImage(d, { size: 224 });
      }, 3);
      const cropPrep = await time(() => {
        for (const d of decoded)
          preprocessImage(d, { size: 224, cropToForeground: true, normalize: 'percentile' });
      }, 3);
      rows.push({
        name: `decode 512² JPEG (sharp → float32 luma), ${files.length} images, sequential`,
        metrics: {
          'images/s': files.length / decodeOnly,
          'ms/image': (1000 * decodeOnly) / files.length,
        },
      });
      rows.push({
        name: 'preprocess 512² → 224² (pad-resize bilinear + min-max)',
        metrics: {
          'images/s': files.length / prepOnly,
          'ms/image': (1000 * prepOnly) / files.length,
        },
      });
      rows.push({
        name: 'preprocess 512² → 224² (head crop + resize + percentile 1–99)',
        metrics: {
          'images/s': files.length / cropPrep,
          'ms/image': (1000 * cropPrep) / files.length,
        },
      });
      await initBackend('cpu', { logger: null });
      const load = await time(async () => {
        const d = await loadImageFolder(big, { size: 224 });
        d.images.dispose();
      }, 3);
      rows.push({
        name: `loadImageFolder 512² JPEG → 224², ${files.length} images (concurrent decode)`,
        metrics: { 'images/s': files.length / load, 'total s': load },
      });

      // Cache: 1000 images at 224².
      log('cache 1000 × 224²');
      const many = join(work, 'many');
      await generatePhantomDataset({ outDir: many, imagesPerClass: 59, size: 128, seed: 2 }); // 1003 images
      const count = scanImageFolder(many).files.length;
      const cacheDir = join(work, 'cache');
      const cold = await time(
        async () => {
          rmSync(cacheDir, { recursive: true, force: true });
          const d = await loadImageFolder(many, { size: 224, cacheDir });
          d.images.dispose();
        },
        1,
        0,
      );
      const hit = await time(async () => {
        const d = await loadImageFolder(many, { size: 224, cacheDir });
        if (d.cache !== 'hit') throw new Error('bench: expected a cache hit');
        d.images.dispose();
      }, 5);
      rows.push({
        name: `cache write: load + preprocess + write ${count} images 224²`,
        metrics: { 'total s': cold, 's per 1000 images': (1000 * cold) / count },
      });
      rows.push({
        name: `cache reload: ${count} images 224² (${((count * 224 * 224 * 4) / 2 ** 20).toFixed(0)} MiB)`,
        metrics: { 'total s': hit, 's per 1000 images': (1000 * hit) / count },
      });

      // Augmentation on cpu, then wasm.
      log('augmentation');
      rows.push(...(await augmentationRows('cpu', log)));
      rows.push(...(await augmentationRows('wasm', log)));
      await initBackend('cpu', { logger: null });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return rows;
  },
};
