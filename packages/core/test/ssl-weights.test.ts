import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  assignWeights,
  collectWeights,
  createMlpHead,
  ShapeError,
  weightsInCreationOrder,
} from '../src/index.js';

describe('collectWeights / assignWeights', () => {
  it('round-trips every weight (BN statistics included) of several networks exactly', () => {
    const a = createMlpHead({
      inputDim: 4,
      hiddenDims: [5],
      outputDim: 3,
      lastBatchNorm: 'affine',
      seed: 1,
    });
    const b = createMlpHead({ inputDim: 3, outputDim: 2, seed: 2 });
    const snapshot = collectWeights({ head: a, pred: b });
    expect(Object.keys(snapshot)).toHaveLength(a.weights.length + b.weights.length);
    expect(snapshot['head/0']!.shape).toEqual([4, 5]);
    // Rebuilt networks (other seeds, other variable names) receive identical values.
    const a2 = createMlpHead({
      inputDim: 4,
      hiddenDims: [5],
      outputDim: 3,
      lastBatchNorm: 'affine',
      seed: 7,
    });
    const b2 = createMlpHead({ inputDim: 3, outputDim: 2, seed: 8 });
    assignWeights({ head: a2, pred: b2 }, snapshot);
    [
      [a, a2],
      [b, b2],
    ].forEach(([x, y]) => {
      x!.weights.forEach((w, i) => {
        expect(Array.from(y!.weights[i]!.read().dataSync())).toEqual(
          Array.from(w.read().dataSync()),
        );
      });
    });
    // The snapshot is independent of later training.
    tf.tidy(() => (a.weights[0]!.read() as tf.Variable).assign(tf.zeros([4, 5])));
    expect(snapshot['head/0']!.dataSync()[0]).not.toBe(0);
    tf.dispose(snapshot);
    [a, b, a2, b2].forEach((m) => {
      m.dispose();
    });
  });

  it('rejects missing, extra and mis-shaped entries before writing anything', () => {
    const a = createMlpHead({ inputDim: 4, outputDim: 3, seed: 1 });
    const snapshot = collectWeights({ head: a });
    const original = Array.from(a.weights[0]!.read().dataSync());
    const missing = { ...snapshot };
    delete missing['head/1'];
    expect(() => assignWeights({ head: a }, missing, 'X.setWeights')).toThrow(
      /X.setWeights: weight "head\/1" \(mlp_head_linear0\/bias\) is missing/,
    );
    const wrong = { ...snapshot, 'head/1': tf.zeros([4]) };
    expect(() => assignWeights({ head: a }, { ...wrong, 'head/0': tf.zeros([4, 3]) })).toThrow(
      ShapeError,
    );
    expect(Array.from(a.weights[0]!.read().dataSync())).toEqual(original);
    expect(() => assignWeights({ head: a }, { ...snapshot, 'head/9': tf.zeros([1]) })).toThrow(
      /more entries/,
    );
    tf.dispose([snapshot, wrong['head/1']]);
    a.dispose();
  });

  it('orders weights by creation, independently of which layers are frozen', () => {
    const head = createMlpHead({
      inputDim: 4,
      hiddenDims: [5],
      outputDim: 3,
      lastBatchNorm: 'affine',
    });
    const before = weightsInCreationOrder(head).map((w) => w.originalName);
    expect(before.slice(0, 4)).toEqual([
      'mlp_head_linear0/kernel',
      'mlp_head_bn0/gamma',
      'mlp_head_bn0/beta',
      'mlp_head_bn0/moving_mean',
    ]);
    const weightsOrder = head.weights.map((w) => w.originalName);
    head.trainable = false;
    expect(head.weights.map((w) => w.originalName)).not.toEqual(weightsOrder);
    expect(weightsInCreationOrder(head).map((w) => w.originalName)).toEqual(before);
    head.dispose();
  });
});
