/**
 * Parity with torchvision: the fixtures in shared/fixtures/resnet-cam were computed with
 * torchvision 0.14.1's resnet18 (17 classes, calibrated BN statistics). Tolerances from the
 * fixtures' README: logits ≤ 1e-5 × max|logit|, every stage ≤ 1e-5 relative to its max |value|.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { entryToTensor } from '@tumorxai/core';
import {
  assertAllClose,
  fixturePath,
  loadJsonFixture,
  loadSafetensorsFixture,
} from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFeatureExtractor,
  listStageOutputs,
  loadTorchvisionWeights,
  resnet18,
} from '../src/index.js';

interface Manifest {
  input_shape_nchw: [number, number, number, number];
  weights_file: string;
  argmax: number[];
}

function nhwc(name: string, entry: Parameters<typeof entryToTensor>[1]): tf.Tensor {
  return tf.tidy(() => {
    const t = entryToTensor(name, entry);
    return t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t;
  });
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

function loadFixture(name: string) {
  const manifest = loadJsonFixture<Manifest>(`resnet-cam/${name}/manifest.json`);
  const weights = readFileSync(
    join(dirname(fixturePath(`resnet-cam/${name}/manifest.json`)), manifest.weights_file),
  );
  const inputs = loadSafetensorsFixture(`resnet-cam/${name}/inputs.safetensors`).entries;
  const expected = loadSafetensorsFixture(`resnet-cam/${name}/expected.safetensors`).entries;
  return { manifest, weights, input: nhwc('input', inputs.input!), expected };
}

// The 64×96 fixture runs through a size-agnostic model ([null, null, 3]); the shapes of every
// stage are still checked against the fixture's.
describe.each([
  ['resnet18', false],
  ['resnet18_64x96', true],
])('torchvision parity: %s', (name, anySize) => {
  const fx = loadFixture(name);
  const [, , h, w] = fx.manifest.input_shape_nchw;
  const inputShape = anySize ? ([null, null, 3] as const) : ([h, w, 3] as const);
  const model = resnet18({ inputShape, includeTop: true, numClasses: 17 });
  const report = loadTorchvisionWeights(model, fx.weights);
  afterAll(() => {
    model.dispose();
    fx.input.dispose();
  });

  it('loads every key of the state_dict', () => {
    expect(report.loaded).toHaveLength(102); // 20 conv weights + 20 BN × 4 + fc weight & bias
    expect(report.skipped).toHaveLength(20); // num_batches_tracked
    expect(report.missing.length + report.unexpected.length + report.mismatched.length).toBe(0);
  });

  it('logits ≤ 1e-5 × max|logit| and the same argmax', () => {
    const logits = tf.tidy(() => model.predict(fx.input) as tf.Tensor);
    const expected = fx.expected.logits!.data as Float32Array;
    const tol = 1e-5 * maxAbs(expected);
    assertAllClose(logits.dataSync(), expected, { atol: tol, name: 'logits' });
    expect(Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync())).toEqual(fx.manifest.argmax);
    logits.dispose();
  });

  it('every stage output (NHWC) ≤ 1e-5 relative to the stage’s max |value|', () => {
    const stages: Record<string, string> = {
      conv1: 'conv1',
      bn1: 'bn1',
      relu: 'relu',
      maxpool: 'maxpool',
    };
    listStageOutputs(model).forEach((block, i) => {
      stages[`layer${i + 1}`] = block;
    });
    stages.avgpool = 'avgpool';
    const extractor = createFeatureExtractor(model, { layers: Object.values(stages) });
    const outputs = tf.tidy(() => extractor.predict(fx.input) as tf.Tensor[]);
    Object.keys(stages).forEach((stage, i) => {
      const expected = nhwc(stage, fx.expected[`forward/${stage}`]!);
      expect(outputs[i]!.shape, stage).toEqual(expected.shape);
      const values = expected.dataSync();
      assertAllClose(outputs[i]!.dataSync(), values, {
        atol: 1e-5 * maxAbs(values),
        name: `forward/${stage}`,
      });
      expected.dispose();
    });
    tf.dispose(outputs);
  });
});
