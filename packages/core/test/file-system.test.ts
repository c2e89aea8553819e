import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystem, IOError, writeFileAtomic } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'tumorxai-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function smallModel(): tfl.LayersModel {
  const input = tfl.input({ shape: [4] });
  const hidden = tfl.layers.dense({ units: 3, activation: 'relu', name: 'hidden' }).apply(input);
  const bn = tfl.layers.batchNormalization({ name: 'bn', epsilon: 1e-5 }).apply(hidden);
  const out = tfl.layers.dense({ units: 2, name: 'out' }).apply(bn) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('fileSystem IOHandler', () => {
  it('saves model.json + weights.bin and reloads a model with identical outputs', async () => {
    const dir = join(root, 'model');
    const model = smallModel();
    const result = await model.save(fileSystem(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);

    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('throws typed errors for a missing directory and truncated weights', async () => {
    await expect(tfl.loadLayersModel(fileSystem(join(root, 'nope')))).rejects.toThrow(IOError);
    const dir = join(root, 'truncated');
    const model = smallModel();
    await model.save(fileSystem(dir));
    model.dispose();
    const weights = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 8));
    await expect(tfl.loadLayersModel(fileSystem(dir))).rejects.toThrow(/truncated/);
  });

  it('writes atomically and leaves no temporary files', () => {
    const file = join(root, 'atomic', 'a.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(join(root, 'atomic'))).toEqual(['a.txt']);
  });
});
