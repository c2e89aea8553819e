import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, IOError, ShapeError } from '@tumorxai/core';
import { assertAllClose, fixturePath } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportTorchvisionWeights,
  loadTorchvisionWeights,
  resnet18,
  resnet34,
  StateDictMismatchError,
} from '../src/index.js';
import { expectCaught, reencode, sameWeights, snapshot, tiny } from './weight-io-helpers.js';

const fixtureBytes = readFileSync(fixturePath('resnet-cam/resnet18/weights.safetensors'));
const fixture = decodeSafetensors(fixtureBytes);

describe('loadTorchvisionWeights', () => {
  const model = resnet18({ inputShape: [32, 32, 3], includeTop: true, numClasses: 17, seed: 1 });
  loadTorchvisionWeights(model, fixtureBytes);
  // A tiny ResNet-18 (width 1/8) and its state_dict, for the cases where the values do not matter.
  const tinyRgb = resnet18({ ...tiny, includeTop: true, numClasses: 17, seed: 20 });
  const tinyBytes = exportTorchvisionWeights(tinyRgb);
  const tinyDecoded = decodeSafetensors(tinyBytes);
  afterAll(() => {
    model.dispose();
    tinyRgb.dispose();
  });

  it('reads F64 files (cast to float32) and ArrayBuffers', () => {
    const a = resnet18({ ...tiny, seed: 3 });
    const b = resnet18({ ...tiny, seed: 4 });
    const f32 = decodeSafetensors(exportTorchvisionWeights(a));
    const f64 = reencode(f32, (name, e) => [
      name,
      e.dtype === 'F32'
        ? { ...e, dtype: 'F64', data: Float64Array.from(e.data as Float32Array) }
        : e,
    ]);
    loadTorchvisionWeights(
      b,
      f64.buffer.slice(f64.byteOffset, f64.byteOffset + f64.byteLength) as ArrayBuffer,
    );
    expect(sameWeights(snapshot(b), snapshot(a))).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('strict: one StateDictMismatchError lists missing keys, and leaves the model untouched', () => {
    const deeper = resnet34({ ...tiny, includeTop: true, numClasses: 17, seed: 5 });
    const before = snapshot(deeper);
    const error = expectCaught(() =>
      loadTorchvisionWeights(deeper, tinyBytes),
    ) as StateDictMismatchError;
    expect(error).toBeInstanceOf(StateDictMismatchError);
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as unknown as { code: string }).code).toBe('E_SHAPE');
    expect(error.missing).toContain('layer1.2.conv1.weight');
    expect(error.missing).toContain('layer3.5.bn2.running_var');
    expect(error.unexpected).toEqual([]);
    expect(error.mismatched).toEqual([]);
    expect(error.message).toMatch(
      /^loadTorchvisionWeights: the state_dict does not fit resnet34; missing keys \(\d+\): layer1\.2\.conv1\.weight/,
    );
    expect(error.message).toMatch(/Build the model with the depth/);
    expect(sameWeights(snapshot(deeper), before)).toBe(true);
    deeper.dispose();
  });

  it('lists missing, unexpected and mismatched keys together', () => {
    const edited = reencode(tinyDecoded, (name, e) => {
      if (name === 'layer4.1.bn2.running_var') return null;
      if (name === 'layer2.0.conv1.weight')
        return [name, { ...e, dtype: 'I32', data: Int32Array.from(e.data as Float32Array) }];
      return [name === 'layer1.0.bn1.bias' ? 'layer1.0.bn1.beta' : name, e];
    });
    const fresh = resnet18({ ...tiny, includeTop: true, numClasses: 17, seed: 6 });
    const error = expectCaught(() =>
      loadTorchvisionWeights(fresh, edited),
    ) as StateDictMismatchError;
    expect(error.missing).toEqual(['layer1.0.bn1.bias', 'layer4.1.bn2.running_var']);
    expect(error.unexpected).toEqual(['layer1.0.bn1.beta']);
    expect(error.mismatched).toEqual([
      {
        key: 'layer2.0.conv1.weight',
        expected: [16, 8, 3, 3],
        got: [16, 8, 3, 3],
        dtype: 'I32',
      },
    ]);
    expect(error.message).toContain('missing keys (2)');
    expect(error.message).toContain('unexpected keys (1): layer1.0.bn1.beta');
    expect(error.message).toContain('layer2.0.conv1.weight expected [16,8,3,3] got [16,8,3,3] I32');

    // Non-strict loads the rest and reports what it left out.
    const before = fresh.getLayer('layer4.1.bn2').getWeights()[3]!.dataSync();
    const report = loadTorchvisionWeights(fresh, edited, { strict: false });
    expect(report.missing).toEqual(error.missing);
    expect(report.unexpected).toEqual(error.unexpected);
    expect(report.mismatched.map((m) => m.key)).toEqual(['layer2.0.conv1.weight']);
    expect(report.loaded).toHaveLength(102 - 3);
    expect(fresh.getLayer('layer4.1.bn2').getWeights()[3]!.dataSync()).toEqual(before);
    expect(fresh.getLayer('layer4.1.bn2').getWeights()[2]!.dataSync()).toEqual(
      tinyDecoded.entries['layer4.1.bn2.running_mean']!.data,
    );
    fresh.dispose();
  });

  it('fc with another class count: an error that suggests { fc: "skip" }, or skipped on request', () => {
    const ten = resnet18({ ...tiny, includeTop: true, numClasses: 10, seed: 7 });
    const error = expectCaught(() =>
      loadTorchvisionWeights(ten, tinyBytes),
    ) as StateDictMismatchError;
    expect(error.mismatched.map((m) => [m.key, m.expected, m.got])).toEqual([
      ['fc.weight', [10, 64], [17, 64]],
      ['fc.bias', [10], [17]],
    ]);
    expect(error.message).toMatch(/pass \{ fc: 'skip' \}.*numClasses 17\.$/);
    const fcBefore = ten.getLayer('fc').getWeights()[0]!.dataSync();
    const report = loadTorchvisionWeights(ten, tinyBytes, { fc: 'skipIfMismatched' });
    expect(report.skipped).toContain('fc.weight');
    expect(report.loaded).toHaveLength(100);
    expect(ten.getLayer('fc').getWeights()[0]!.dataSync()).toEqual(fcBefore);
    expect(ten.getLayer('conv1').getWeights()[0]!.dataSync()).toEqual(
      tinyRgb.getLayer('conv1').getWeights()[0]!.dataSync(),
    );
    // 'skipIfMismatched' still loads an fc whose shape matches; 'skip' never does.
    expect(
      loadTorchvisionWeights(model, fixtureBytes, { fc: 'skipIfMismatched' }).loaded,
    ).toContain('fc.weight');
    expect(loadTorchvisionWeights(model, fixtureBytes, { fc: 'skip' }).loaded).not.toContain(
      'fc.weight',
    );
    ten.dispose();
  });

  it('a headless model (includeTop: false) ignores the file’s fc', () => {
    const headless = resnet18({ ...tiny, seed: 8 });
    const report = loadTorchvisionWeights(headless, tinyBytes);
    expect(report.skipped).toEqual(expect.arrayContaining(['fc.weight', 'fc.bias']));
    expect(report.loaded).toHaveLength(100);
    headless.dispose();
  });

  it('a prefixed checkpoint (module.) is diagnosed and loads with { prefix }', () => {
    const prefixed = reencode(fixture, (name, e) => [`module.${name}`, e]);
    const error = expectCaught(() => loadTorchvisionWeights(model, prefixed));
    expect(error.message).toMatch(
      /The file's keys start with "module\.": pass \{ prefix: 'module\.' \}\.$/,
    );
    expect(loadTorchvisionWeights(model, prefixed, { prefix: 'module.' }).loaded).toHaveLength(102);
  });

  it('sums a 3-channel stem over RGB for a 1-channel model: grey x ≡ RGB model on [x, x, x]', () => {
    const grey = resnet18({ ...tiny, inputShape: [32, 32, 1], includeTop: true, numClasses: 17 });
    loadTorchvisionWeights(grey, tinyBytes);
    expect(grey.getLayer('conv1').getWeights()[0]!.shape).toEqual([7, 7, 1, 8]);
    const [a, b] = tf.tidy(() => {
      const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 11);
      return [grey.predict(x) as tf.Tensor, tinyRgb.predict(tf.concat([x, x, x], 3)) as tf.Tensor];
    });
    const expected = b!.dataSync();
    const scale = Math.max(...Array.from(expected, Math.abs));
    assertAllClose(a!.dataSync(), expected, { atol: 1e-5 * scale, name: 'grey vs RGB logits' });
    tf.dispose([a!, b!]);
    grey.dispose();
  });

  it('rejects truncated or non-safetensors bytes with an IOError that says what to pass', () => {
    for (const bytes of [
      fixtureBytes.subarray(0, fixtureBytes.length - 1000),
      new Uint8Array(4),
      new TextEncoder().encode('not a file at all'),
    ]) {
      const error = expectCaught(() => loadTorchvisionWeights(model, bytes));
      expect(error).toBeInstanceOf(IOError);
      expect(error.message).toMatch(
        /^loadTorchvisionWeights: the weights are not a readable safetensors file \(readSafetensors: .*\)\. Pass the complete bytes/,
      );
    }
    expect(
      expectCaught(() =>
        loadTorchvisionWeights(model, fixtureBytes.subarray(0, fixtureBytes.length - 1000)),
      ).message,
    ).toMatch(/truncated/);
  });

  it('rejects bad options and non-ResNet models with ConfigErrors', () => {
    expect(() => loadTorchvisionWeights(model, fixtureBytes, { fc: 'drop' as never })).toThrow(
      /unknown fc option/,
    );
    expect(() => loadTorchvisionWeights({} as never, fixtureBytes)).toThrow(
      /model must be a tf\.LayersModel/,
    );
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    loadTorchvisionWeights(model, fixtureBytes);
    expect(tf.memory().numTensors).toBe(before);
  });
});
