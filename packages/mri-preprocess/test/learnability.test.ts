/**
 * The phantoms must carry signal a classifier can learn, with the MRI sequence (a global
 * contrast change) easier than the lesion family (location, shape, margin, internal structure).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers the gradients of tfjs-core's ops (needed by optimizer.minimize).
import '@tensorflow/tfjs-layers';
import { createRng } from '@tumorxai/core';
import { expect, it } from 'vitest';
import {
  createBatchLoader,
  generatePhantomDataset,
  loadImageFolder,
  stratifiedSplit,
} from '../src/index.js';
import { tempDir } from './helpers/temp.js';

const SIZE = 32;
const PATCH = 4;
const FILTERS = 16;
const GRID = SIZE / PATCH;

/**
 * A random-init CNN: a 4×4/stride-4 convolution (16 filters) + ReLU + 2×2 max-pool, then one
 * linear head per task. The convolution is computed as patches × weights (im2col) because the
 * cpu backend's Conv2DBackpropFilter runs at ≈ 10 MFLOP/s; the maths is the same convolution.
 */
function tinyCnn(seed: number, families: number) {
  const rng = createRng(seed);
  const he = (shape: number[], fanIn: number) =>
    tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', rng.seed()), Math.sqrt(2 / fanIn)));
  const features = (GRID / 2) ** 2 * FILTERS;
  const params = {
    conv: he([PATCH * PATCH, FILTERS], PATCH * PATCH),
    convBias: tf.variable(tf.zeros([FILTERS])),
    family: he([features, families], features),
    familyBias: tf.variable(tf.zeros([families])),
    sequence: he([features, 3], features),
    sequenceBias: tf.variable(tf.zeros([3])),
  };
  const forward = (x: tf.Tensor4D): [tf.Tensor2D, tf.Tensor2D] => {
    const n = x.shape[0];
    const patches = tf.reshape(
      tf.transpose(tf.reshape(x, [n, GRID, PATCH, GRID, PATCH]), [0, 1, 3, 2, 4]),
      [n * GRID * GRID, PATCH * PATCH],
    );
    const maps = tf.reshape(tf.relu(tf.add(tf.matMul(patches, params.conv), params.convBias)), [
      n,
      GRID,
      GRID,
      FILTERS,
    ]);
    const flat = tf.reshape(tf.maxPool(maps as tf.Tensor4D, 2, 2, 'valid'), [n, features]);
    return [
      tf.add(tf.matMul(flat, params.family), params.familyBias),
      tf.add(tf.matMul(flat, params.sequence), params.sequenceBias),
    ];
  };
  return { forward, dispose: () => tf.dispose(Object.values(params)) };
}

it('a small random-init CNN learns the phantoms: sequence easily, family clearly above chance', async () => {
  const root = join(tempDir('learn'), 'data');
  await generatePhantomDataset({ outDir: root, imagesPerClass: 40, size: 64, seed: 11 });
  const data = await loadImageFolder(root, { size: SIZE });
  const split = stratifiedSplit(data, { train: 0.75, test: 0.25, seed: 0 });
  const nf = data.families.length;
  const model = tinyCnn(5, nf);
  const optimizer = tf.train.adam(0.01);
  const loader = createBatchLoader(data.images, {
    indices: split.train.indices,
    batchSize: 32,
    seed: 1,
  });
  const pick = (labels: Int32Array, idx: Int32Array) =>
    tf.tensor1d(
      Array.from(idx, (i) => labels[i]!),
      'int32',
    );
  for (let epoch = 0; epoch < 12; epoch++) {
    for (const { images, indices } of loader.epoch(epoch)) {
      tf.tidy(() => {
        const yf = tf.oneHot(pick(data.familyLabels, indices), nf);
        const ys = tf.oneHot(pick(data.sequenceLabels, indices), 3);
        optimizer.minimize(() => {
          const [pf, ps] = model.forward(images);
          return tf.add(
            tf.losses.softmaxCrossEntropy(yf, pf),
            tf.losses.softmaxCrossEntropy(ys, ps),
          ) as tf.Scalar;
        });
      });
    }
  }
  const test = split.test.indices;
  const [familyAcc, sequenceAcc] = tf.tidy(() => {
    const [pf, ps] = model.forward(
      tf.gather(data.images, tf.tensor1d(test, 'int32')) as tf.Tensor4D,
    );
    const acc = (logits: tf.Tensor2D, labels: Int32Array) =>
      tf
        .mean(tf.cast(tf.equal(tf.argMax(logits, 1), pick(labels, test)), 'float32'))
        .dataSync()[0]!;
    return [acc(pf, data.familyLabels), acc(ps, data.sequenceLabels)];
  });
  // Chance: family 1/6 (majority class 3/17 ≈ 0.18); sequence ≈ 1/3 (majority 6/17 ≈ 0.35).
  expect(test.length).toBe(170);
  expect(familyAcc).toBeGreaterThan(0.3);
  expect(sequenceAcc).toBeGreaterThan(0.8);
  expect(sequenceAcc).toBeGreaterThan(familyAcc + 0.2);
  console.info(
    `phantom learnability: family ${familyAcc.toFixed(3)}, sequence ${sequenceAcc.toFixed(3)} (n = ${test.length})`,
  );
  model.dispose();
  optimizer.dispose();
  data.images.dispose();
});
