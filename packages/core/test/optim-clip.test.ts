import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients in Node
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  clipGradNorm,
  clipGradNormPerParameter,
  minimize,
  SGD,
} from '../src/index.js';
import { assertAllClose, expectNoTensorLeak } from '../src/testing/index.js';

describe('clipGradNorm', () => {
  it('scales every gradient by maxNorm/(‖g‖+1e-6) when the global norm is larger', () => {
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor1d([12]);
    const { grads, totalNorm } = clipGradNorm([a, null, b], 6.5);
    expect(totalNorm.dataSync()[0]).toBeCloseTo(13, 5);
    const coef = 6.5 / (13 + 1e-6);
    assertAllClose(grads[0]!.dataSync(), [3 * coef, 4 * coef]);
    expect(grads[1]).toBeNull();
    assertAllClose(grads[2]!.dataSync(), [12 * coef]);
    const kept = clipGradNorm([a, b], 100);
    assertAllClose(kept.grads[0]!.dataSync(), [3, 4], { atol: 0 });
    expect(() => clipGradNorm([a], 0)).toThrow(ConfigError);
    tf.dispose([
      a,
      b,
      totalNorm,
      ...grads.filter((g) => g !== null),
      kept.totalNorm,
      ...kept.grads.filter((g) => g !== null),
    ]);
  });
});

describe('clipGradNormPerParameter', () => {
  it('clips each gradient to its own norm bound (DINO clip_gradients)', () => {
    const a = tf.tensor1d([3, 4]); // norm 5 → clipped to 3
    const b = tf.tensor1d([1, 0]); // norm 1 → unchanged
    const [ca, cn, cb] = clipGradNormPerParameter([a, null, b], 3);
    assertAllClose(ca!.dataSync(), [(3 * 3) / (5 + 1e-6), (4 * 3) / (5 + 1e-6)]);
    expect(cn).toBeNull();
    assertAllClose(cb!.dataSync(), [1, 0], { atol: 0 });
    expect(() => clipGradNormPerParameter([a], -1)).toThrow(ConfigError);
    tf.dispose([a, b, ca!, cb!]);
  });
});

describe('minimize', () => {
  it('computes gradients of the loss for an explicit variable list and applies them', () => {
    const w = tf.variable(tf.tensor2d([[1, 2]]));
    const unused = tf.variable(tf.tensor2d([[5, 5]]));
    const sgd = new SGD({ momentum: 0 });
    // loss = Σ w², grad = 2w; unused gets no gradient and is left alone.
    const loss = minimize(sgd, [w, unused], () => tf.sum(tf.square(w)) as tf.Scalar, {
      learningRate: 0.25,
    });
    expect(loss.dataSync()[0]).toBe(5);
    assertAllClose(w.dataSync(), [0.5, 1]);
    assertAllClose(unused.dataSync(), [5, 5], { atol: 0 });
    tf.dispose([loss, w, unused]);
    sgd.dispose();
  });

  it('clips (global or per parameter) and lets transformGradients drop a gradient', () => {
    const w = tf.variable(tf.tensor2d([[3, 4]]));
    const v = tf.variable(tf.tensor2d([[1, 1]]));
    const sgd = new SGD({ momentum: 0 });
    const lossFn = () => tf.add(tf.sum(tf.square(w)), tf.sum(tf.square(v))) as tf.Scalar;
    // grad w = [6, 8] (norm 10) clipped per parameter to norm 1 → [0.6, 0.8]; v dropped.
    tf.dispose(
      minimize(sgd, [w, v], lossFn, {
        learningRate: 1,
        clipGradNorm: 1,
        clipMode: 'per-parameter',
        transformGradients: (grads) => [grads[0]!, null],
      }),
    );
    assertAllClose(w.dataSync(), [2.4, 3.2], { atol: 1e-5 });
    assertAllClose(v.dataSync(), [1, 1], { atol: 0 });
    tf.dispose([w, v]);
    sgd.dispose();
  });

  it('rejects an empty variable list and does not leak', async () => {
    const sgd = new SGD();
    expect(() => minimize(sgd, [], () => tf.scalar(0), { learningRate: 1 })).toThrow(ConfigError);
    const w = tf.variable(tf.ones([4, 4]));
    await expectNoTensorLeak(
      () =>
        minimize(sgd, [w], () => tf.sum(tf.square(w)) as tf.Scalar, {
          learningRate: 0.01,
          clipGradNorm: 1,
        }),
      { burnIn: 1, runs: 3 },
    );
    w.dispose();
    sgd.dispose();
  });
});
