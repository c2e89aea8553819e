import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors } from '@tumorxai/core';
import { fixturePath } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { exportTorchvisionWeights, loadTorchvisionWeights, resnet18 } from '../src/index.js';
import { bytesOf, sameBytes, sameWeights, snapshot, tiny } from './weight-io-helpers.js';

const fixtureBytes = readFileSync(fixturePath('resnet-cam/resnet18/weights.safetensors'));
const fixture = decodeSafetensors(fixtureBytes);

describe('exportTorchvisionWeights', () => {
  const model = resnet18({ inputShape: [32, 32, 3], includeTop: true, numClasses: 17, seed: 1 });
  loadTorchvisionWeights(model, fixtureBytes);
  afterAll(() => model.dispose());

  it('round-trips every float tensor bit-exactly, with the same keys as torch’s state_dict', () => {
    const exported = decodeSafetensors(exportTorchvisionWeights(model));
    expect(Object.keys(exported.entries).sort()).toEqual(Object.keys(fixture.entries).sort());
    expect(exported.metadata).toEqual({ format: 'pt' });
    for (const [name, entry] of Object.entries(fixture.entries)) {
      const got = exported.entries[name]!;
      expect(got.shape, name).toEqual(entry.shape);
      expect(got.dtype, name).toBe(entry.dtype);
      if (name.endsWith('num_batches_tracked')) {
        // tfjs does not count batches: exported as int64 0 (the fixture has 8).
        expect(Array.from(got.data as BigInt64Array)).toEqual([0n]);
      } else {
        expect(sameBytes(bytesOf(got.data), bytesOf(entry.data)), name).toBe(true);
      }
    }
  });

  it('export → load → export is byte-identical, also for a fresh random model', () => {
    const a = resnet18({ ...tiny, includeTop: true, numClasses: 3, seed: 1 });
    const b = resnet18({ ...tiny, includeTop: true, numClasses: 3, seed: 2 });
    const bytes = exportTorchvisionWeights(a);
    loadTorchvisionWeights(b, bytes);
    expect(sameBytes(exportTorchvisionWeights(b), bytes)).toBe(true);
    expect(sameWeights(snapshot(b), snapshot(a))).toBe(true);
    const withoutCounter = exportTorchvisionWeights(a, { numBatchesTracked: false });
    expect(Object.keys(decodeSafetensors(withoutCounter).entries)).not.toContain(
      'bn1.num_batches_tracked',
    );
    a.dispose();
    b.dispose();
  });

  it('leaves no tensors behind and rejects non-ResNet models', () => {
    const before = tf.memory().numTensors;
    exportTorchvisionWeights(model);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => exportTorchvisionWeights({} as never)).toThrow(/Pass the backbone/);
  });
});
