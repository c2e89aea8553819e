import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { tinyBackbone } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPhantomSplit } from '../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-eval-phantoms-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadPhantomSplit (@tumorxai/eval/testing)', () => {
  it('splits every class in half in file order, reuses rendered phantoms, and runs k-NN on the split', async () => {
    const options = { outDir: root, imagesPerClass: 4, size: 16, renderSize: 32 };
    const split = await loadPhantomSplit(options);
    expect(split.images.shape).toEqual([68, 16, 16, 1]);
    expect(split.numClasses).toBe(17);
    expect(split.trainIdx).toHaveLength(34);
    expect(split.testIdx).toHaveLength(34);
    expect([...split.trainIdx, ...split.testIdx].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 68 }, (_, i) => i),
    );
    for (let c = 0; c < 17; c++) {
      const ofClass = Array.from(split.labels.keys()).filter((i) => split.labels[i] === c);
      expect(ofClass).toHaveLength(4);
      expect(split.trainIdx.filter((i) => split.labels[i] === c)).toEqual(ofClass.slice(0, 2));
      expect(split.testIdx.filter((i) => split.labels[i] === c)).toEqual(ofClass.slice(2));
    }

    // A second call finds the folder full and renders nothing: every file keeps its mtime.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    const mtimes = () => files(root).map((f) => `${f} ${statSync(f).mtimeMs}`);
    const before = mtimes();
    const again = await loadPhantomSplit(options);
    expect(mtimes()).toEqual(before);
    expect(again.trainIdx).toEqual(split.trainIdx);
    expect(Array.from(again.images.dataSync())).toEqual(Array.from(split.images.dataSync()));
    again.images.dispose();

    const backbone = tinyBackbone(16);
    const tensors = tf.memory().numTensors;
    const accuracy = await split.knnAccuracy(backbone);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    expect(accuracy * 34).toBeCloseTo(Math.round(accuracy * 34), 6); // a fraction of 34 images
    backbone.dispose();
    split.images.dispose();
  });
});
