import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DisposedError, ShapeError } from '@tumorxai/core';
import { assertAllClose, expectNoTensorLeak, loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { DinoCenter, updateDinoCenter } from '../src/index.js';
import { referenceCenter, type Views } from './reference.js';

interface DinoFixture {
  teacher_out: Views;
  center: number[];
  center_momentum: number;
  expected: { center: number[] };
}

const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

describe('updateDinoCenter', () => {
  it.each(['dino_01', 'dino_02', 'dino_05'])('equals the updated center of %s', (name) => {
    const f = loadJsonFixture<DinoFixture>(`ssl/${name}.json`);
    const maxRef = referenceCenter(f.teacher_out, f.center, f.center_momentum).map((v, k) =>
      Math.abs(v - f.expected.center[k]!),
    );
    expect(Math.max(...maxRef)).toBeLessThan(1e-12);
    const teacher = f.teacher_out.map((v) => tf.tensor2d(v));
    const center = tf.tensor1d(f.center);
    const next = updateDinoCenter(center, teacher, f.center_momentum);
    expect(next.shape).toEqual([f.center.length]);
    assertAllClose(next.dataSync(), f.expected.center, { ...TOLERANCE, name });
    // The stateful block gives the same value.
    const block = new DinoCenter(f.center.length, { momentum: f.center_momentum, initial: center });
    block.update(teacher);
    assertAllClose(block.value.dataSync(), f.expected.center, { ...TOLERANCE, name });
    expect([...teacher, center].some((t) => t.isDisposed)).toBe(false);
    block.dispose();
    tf.dispose([...teacher, center, next]);
  });

  it('defaults to momentum 0.9 and rejects bad input', () => {
    tf.tidy(() => {
      const t = [tf.tensor2d([[1, 3]]), tf.tensor2d([[3, 5]])];
      assertAllClose(updateDinoCenter(tf.tensor1d([1, 1]), t).dataSync(), [1.1, 1.3], TOLERANCE);
      expect(() => updateDinoCenter(tf.tensor1d([1, 1]), t, 1.5)).toThrow(ConfigError);
      expect(() => updateDinoCenter(tf.tensor1d([1, 1, 1]), t)).toThrow(ShapeError);
      expect(() => updateDinoCenter(tf.tensor1d([1, 1]), [])).toThrow(ShapeError);
    });
  });

  it('passes no gradient', () => {
    const grads = tf.tidy(() =>
      tf
        .grads((c: tf.Tensor, t: tf.Tensor) =>
          tf.sum(updateDinoCenter(c as tf.Tensor1D, [t as tf.Tensor2D])),
        )([tf.tensor1d([1, 2]), tf.tensor2d([[1, 2]])])
        .map((g) => Array.from(g.dataSync())),
    );
    expect(grads.flat().every((v) => v === 0)).toBe(true);
  });
});

describe('DinoCenter', () => {
  it('starts at zero, saves and restores its state exactly, and frees its variable', async () => {
    const before = tf.memory().numTensors;
    const center = new DinoCenter(4);
    expect(Array.from(center.value.dataSync())).toEqual([0, 0, 0, 0]);
    expect(center.momentum).toBe(0.9);
    const teacher = [tf.tensor2d([[1, 2, 3, 4]])];
    await expectNoTensorLeak(() => center.update(teacher), { runs: 3 });
    const saved = center.getState();
    const values = Array.from(saved.dataSync());
    center.update(teacher);
    expect(Array.from(center.value.dataSync())).not.toEqual(values);
    center.setState(saved);
    expect(Array.from(center.value.dataSync())).toEqual(values);
    const wrong = tf.zeros([3]);
    expect(() => center.setState(wrong)).toThrow(ShapeError);
    tf.dispose([saved, wrong, ...teacher]);
    center.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => center.update(teacher)).toThrow(DisposedError);
    expect(() => new DinoCenter(0)).toThrow(ShapeError);
    expect(() => new DinoCenter(2, { momentum: -1 })).toThrow(ConfigError);
  });
});
