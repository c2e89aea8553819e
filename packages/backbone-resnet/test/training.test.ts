import * as tf from '@tensorflow/tfjs-core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createFeatureExtractor, resnet18, resnet50 } from '../src/index.js';

function meanAndVariances(x: tf.Tensor4D) {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    return {
      mean: mean.dataSync(),
      biased: variance.dataSync(),
      unbiased: tf.mul(variance, n / (n - 1)).dataSync(),
      n,
    };
  });
}

describe('training mode', () => {
  const model = resnet18({
    inputShape: [8, 8, 1],
    widthMultiplier: 1 / 8,
    includeTop: true,
    numClasses: 3,
    seed: 1,
  });
  const bn = model.getLayer('bn1');
  const x = tf.randomNormal([2, 8, 8, 1], 0.5, 2, 'float32', 2);
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it('a train step updates BN moving statistics with torch momentum 0.1 (biased batch variance)', () => {
    // Non-trivial old statistics, so that the momentum is visible.
    // getWeights() returns the variables themselves: copy what must outlive the step.
    const [gamma, beta] = bn.getWeights().map((w) => tf.clone(w));
    const oldMean = tf.randomNormal([8], 0, 1, 'float32', 3);
    const oldVar = tf.randomUniform([8], 0.5, 2, 'float32', 4);
    bn.setWeights([gamma!, beta!, oldMean, oldVar]);
    // conv1's output (what bn1 normalises) does not depend on the training flag.
    const conv1 = createFeatureExtractor(model, { layers: ['conv1'] });
    const stats = meanAndVariances(conv1.predict(x) as tf.Tensor4D);
    expect(stats.n).toBe(2 * 4 * 4);

    const optimizer = tf.train.sgd(0.1);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(vars.some((v) => v.name.includes('moving'))).toBe(false);
    optimizer.minimize(
      () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)),
      false,
      vars,
    );

    const [gammaAfter, , mean, variance] = bn.getWeights();
    expect(gammaAfter!.dataSync()).not.toEqual(gamma!.dataSync()); // trainable: changed by SGD
    expect(bn.getWeights(true)).toHaveLength(2); // moving statistics are not trainable
    const m0 = oldMean.dataSync();
    const v0 = oldVar.dataSync();
    const m = mean!.dataSync();
    const v = variance!.dataSync();
    for (let c = 0; c < 8; c++) {
      // torch: running_mean = (1 − 0.1)·running_mean + 0.1·batch_mean
      expect(m[c]).toBeCloseTo(0.9 * m0[c]! + 0.1 * stats.mean[c]!, 5);
      // tfjs-layers: biased batch variance (torch would use stats.unbiased, 32/31 larger).
      expect(v[c]).toBeCloseTo(0.9 * v0[c]! + 0.1 * stats.biased[c]!, 5);
      expect(Math.abs(v[c]! - (0.9 * v0[c]! + 0.1 * stats.unbiased[c]!))).toBeGreaterThan(1e-4);
    }
    tf.dispose([oldMean, oldVar, gamma!, beta!]);
    optimizer.dispose();
  });

  it('inference (predict / apply without training) leaves the moving statistics alone', () => {
    const before = bn.getWeights().map((w) => w.dataSync());
    tf.dispose(model.predict(x));
    tf.dispose(model.apply(x) as tf.Tensor);
    expect(bn.getWeights().map((w) => w.dataSync())).toEqual(before);
  });

  it('repeated forward/backward passes leak no tensors', async () => {
    const optimizer = tf.train.adam(1e-3); // slots are created during the burn-in
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () =>
      optimizer.minimize(
        () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)),
        true,
        vars,
      );
    await expectNoTensorLeak(step, { burnIn: 1, runs: 3 });
    await expectNoTensorLeak(() => model.predict(x), { burnIn: 1, runs: 3 });
    optimizer.dispose();
  });

  it('a bottleneck model trains: one SGD step lowers the training-mode loss on a fixed batch', () => {
    const net = resnet50({
      inputShape: [32, 32, 3],
      widthMultiplier: 1 / 16,
      includeTop: true,
      numClasses: 2,
      seed: 5,
    });
    const images = tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', 6);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
    const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
    // In training mode the output depends only on the weights and the batch (batch statistics),
    // so a small enough gradient step must lower the loss; it fails if gradients are wrong.
    const loss = () =>
      tf.losses.softmaxCrossEntropy(
        labels,
        net.apply(images, { training: true }) as tf.Tensor,
      ) as tf.Scalar;
    const { value: before, grads } = tf.variableGrads(loss, vars);
    // Every conv kernel, BN γ/β and the fc get a gradient (nothing is disconnected).
    expect(Object.keys(grads)).toHaveLength(vars.length);
    const zeroGrads = Object.entries(grads).filter(([, g]) =>
      tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0] === 0),
    );
    expect(zeroGrads.map(([name]) => name)).toEqual([]);
    const optimizer = tf.train.sgd(1e-2);
    optimizer.applyGradients(grads);
    const after = tf.tidy(loss);
    expect(after.dataSync()[0]).toBeLessThan(before.dataSync()[0]!);
    tf.dispose([images, labels, before, after, ...Object.values(grads)]);
    optimizer.dispose();
    net.dispose();
  });
});
