import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError } from '@tumorxai/core';
import { assertAllClose, expectNoTensorLeak, loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { dinoLoss, dinoLossTerms, dinoTeacherEntropy } from '../src/index.js';
import { finiteDifferences, referenceDinoLoss, uniformViews, type Views } from './reference.js';

interface DinoFixture {
  teacher_out: Views;
  student_out: Views;
  center: number[];
  tau_s: number;
  tau_t: number;
  center_momentum: number;
  description: string;
  expected: { loss: number; center: number[]; tau_t: number };
}

const FIXTURES = ['dino_01', 'dino_02', 'dino_05'];
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 }; // fixtures/ssl/README.md
const toTensors = (views: Views) => views.map((v) => tf.tensor2d(v));

describe('dinoLoss', () => {
  it.each(FIXTURES)('equals the float64 reference vector %s', (name) => {
    const f = loadJsonFixture<DinoFixture>(`ssl/${name}.json`);
    // The float64 transliteration used by the other tests agrees with the fixture.
    expect(
      Math.abs(
        referenceDinoLoss(f.student_out, f.teacher_out, f.center, f.tau_s, f.tau_t) -
          f.expected.loss,
      ),
    ).toBeLessThan(1e-12);
    const student = toTensors(f.student_out);
    const teacher = toTensors(f.teacher_out);
    const center = tf.tensor1d(f.center);
    const loss = dinoLoss(student, teacher, center, {
      studentTemperature: f.tau_s,
      teacherTemperature: f.expected.tau_t,
    });
    assertAllClose(loss.dataSync(), [f.expected.loss], { ...TOLERANCE, name: `${name} loss` });
    expect([...student, ...teacher, center].some((t) => t.isDisposed)).toBe(false);
    tf.dispose([loss, ...student, ...teacher, center]);
  });

  it('defaults to τ_s = 0.1 and τ_t = 0.04', () => {
    const f = loadJsonFixture<DinoFixture>('ssl/dino_02.json');
    const loss = tf.tidy(() =>
      dinoLoss(toTensors(f.student_out), toTensors(f.teacher_out), tf.tensor1d(f.center)),
    );
    assertAllClose(loss.dataSync(), [f.expected.loss], TOLERANCE);
    loss.dispose();
  });

  it('throws a clear error when there is no cross-view term (errors/dino_single_view.json)', () => {
    const f = loadJsonFixture<DinoFixture & { expected_error: string }>(
      'ssl/errors/dino_single_view.json',
    );
    expect(dinoLossTerms(1, 1)).toBe(0);
    const run = () =>
      tf.tidy(() =>
        dinoLoss(toTensors(f.student_out), toTensors(f.teacher_out), tf.tensor1d(f.center), {
          studentTemperature: f.tau_s,
          teacherTemperature: f.tau_t,
        }),
      );
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(f.expected_error));
    expect(run).toThrow(/1 teacher view and 1 student view/);
  });

  it("matches the official loop over lightly's grid: B 1–3 × n_local 0–3 × K 1–3 × τ_t × τ_s", () => {
    let seed = 1;
    let worst = 0;
    for (const batch of [1, 2, 3])
      for (const nLocal of [0, 1, 2, 3])
        for (const k of [1, 2, 3]) {
          const tauT = [0.01, 0.04, 0.07][(batch + nLocal + k) % 3]!;
          const tauS = [0.05, 0.1, 0.2][(batch + 2 * nLocal + k) % 3]!;
          const teacher = uniformViews(seed++, 2, batch, k);
          const student = [...teacher, ...uniformViews(seed++, nLocal, batch, k)].map((v, i) =>
            i < 2 ? v.map((row) => row.map((x) => x + 0.3)) : v,
          );
          const center = uniformViews(seed++, 1, 1, k, 0.5)[0]![0]!;
          const expected = referenceDinoLoss(student, teacher, center, tauS, tauT);
          const got = tf.tidy(
            () =>
              dinoLoss(toTensors(student), toTensors(teacher), tf.tensor1d(center), {
                studentTemperature: tauS,
                teacherTemperature: tauT,
              }).dataSync()[0]!,
          );
          assertAllClose([got], [expected], {
            ...TOLERANCE,
            name: `B${batch} local${nLocal} K${k}`,
          });
          worst = Math.max(worst, Math.abs(got - expected));
        }
    expect(worst).toBeLessThan(1e-5);
  });

  it('works for any number of teacher views (T = 3, S = 5: n_terms = 12)', () => {
    expect(dinoLossTerms(3, 5)).toBe(12);
    expect(dinoLossTerms(2, 10)).toBe(18);
    const teacher = uniformViews(7, 3, 4, 6);
    const student = uniformViews(8, 5, 4, 6);
    const center = [0.1, -0.2, 0, 0.3, 0, -0.1];
    const got = tf.tidy(
      () => dinoLoss(toTensors(student), toTensors(teacher), tf.tensor1d(center)).dataSync()[0]!,
    );
    assertAllClose([got], [referenceDinoLoss(student, teacher, center, 0.1, 0.04)], TOLERANCE);
  });

  it('has the gradient of the official loss with respect to the student (finite differences)', () => {
    for (const [seed, batch, nLocal, k, tauS, tauT] of [
      [11, 2, 2, 5, 0.1, 0.04],
      [12, 3, 0, 3, 0.2, 0.07],
      [13, 1, 3, 4, 0.05, 0.01],
    ] as const) {
      const teacher = uniformViews(seed, 2, batch, k);
      const student = uniformViews(seed + 100, 2 + nLocal, batch, k);
      const center = uniformViews(seed + 200, 1, 1, k, 0.5)[0]![0]!;
      const numeric = finiteDifferences(
        (s) => referenceDinoLoss(s, teacher, center, tauS, tauT),
        student,
      );
      const grads = tf.tidy(() => {
        const t = toTensors(teacher);
        const c = tf.tensor1d(center);
        const g = tf.grads((...s: tf.Tensor[]) =>
          dinoLoss(s as tf.Tensor2D[], t, c, {
            studentTemperature: tauS,
            teacherTemperature: tauT,
          }),
        )(toTensors(student));
        return g.map((x) => x.arraySync() as number[][]);
      });
      const flat = numeric.flat(2);
      const scale = Math.max(...flat.map(Math.abs));
      assertAllClose(grads.flat(2), flat, {
        atol: 1e-5 * scale,
        rtol: 1e-4,
        name: `grad seed ${seed}`,
      });
      expect(scale).toBeGreaterThan(1e-3); // the check is not vacuous
    }
  });

  it('passes no gradient to the teacher outputs or the center', () => {
    const teacher = uniformViews(21, 2, 3, 4);
    const student = uniformViews(22, 4, 3, 4);
    const [gT1, gT2, gC, gS] = tf.tidy(() =>
      tf
        .grads((t1: tf.Tensor, t2: tf.Tensor, c: tf.Tensor, s0: tf.Tensor) =>
          dinoLoss(
            [s0 as tf.Tensor2D, ...toTensors(student.slice(1))],
            [t1 as tf.Tensor2D, t2 as tf.Tensor2D],
            c as tf.Tensor1D,
          ),
        )([...toTensors(teacher), tf.tensor1d([0.1, 0.2, -0.3, 0]), tf.tensor2d(student[0]!)])
        .map((g) => Array.from(g.dataSync())),
    );
    for (const g of [gT1!, gT2!, gC!]) expect(g.every((v) => v === 0)).toBe(true);
    expect(gS!.some((v) => Math.abs(v) > 1e-4)).toBe(true);
  });

  it('is stable for logits of magnitude 1e3 (1e3 / 0.04 after sharpening)', () => {
    const teacher = uniformViews(31, 2, 3, 8, 1e3);
    const student = uniformViews(32, 4, 3, 8, 1e3);
    const center = uniformViews(33, 1, 1, 8, 1e3)[0]![0]!;
    const expected = referenceDinoLoss(student, teacher, center, 0.1, 0.04);
    const { value, grads } = tf.tidy(() => {
      const t = toTensors(teacher);
      const c = tf.tensor1d(center);
      const f = (...s: tf.Tensor[]) => dinoLoss(s as tf.Tensor2D[], t, c);
      const { value, grads } = tf.valueAndGrads(f)(toTensors(student));
      return { value: value.dataSync()[0]!, grads: grads.flatMap((g) => Array.from(g.dataSync())) };
    });
    expect(Number.isFinite(value)).toBe(true);
    expect(grads.every(Number.isFinite)).toBe(true);
    expect(expected).toBeGreaterThan(1e3); // large, so the relative tolerance is what matters
    assertAllClose([value], [expected], TOLERANCE);
  });

  it('checks shapes and temperatures with typed errors', () => {
    tf.tidy(() => {
      const a = tf.zeros([2, 4]) as tf.Tensor2D;
      const c = tf.zeros([4]) as tf.Tensor1D;
      expect(() => dinoLoss([a, a], [], c)).toThrow(ShapeError);
      expect(() => dinoLoss([a, tf.zeros([3, 4]) as tf.Tensor2D], [a], c)).toThrow(
        /studentOut\[1\]/,
      );
      expect(() => dinoLoss([a, a], [tf.zeros([2, 5]) as tf.Tensor2D], c)).toThrow(
        /studentOut\[0\]/,
      );
      expect(() => dinoLoss([a, a], [a], tf.zeros([1, 4]) as unknown as tf.Tensor1D)).toThrow(
        /tf\.reshape/,
      );
      expect(() => dinoLoss([a, a], [a], c, { teacherTemperature: 0 })).toThrow(ConfigError);
      expect(() => dinoLoss([a, a], [a], c, { studentTemperature: -0.1 })).toThrow(
        /studentTemperature/,
      );
    });
  });

  it('does not leak', async () => {
    const student = toTensors(uniformViews(41, 4, 2, 8));
    const teacher = student.slice(0, 2);
    const center = tf.zeros([8]) as tf.Tensor1D;
    await expectNoTensorLeak(() => dinoLoss(student, teacher, center), { runs: 5 });
    await expectNoTensorLeak(() => dinoTeacherEntropy(teacher, center, 0.04), { runs: 5 });
    tf.dispose([...student, center]);
  });
});

describe('dinoTeacherEntropy', () => {
  it('is log K for a uniform teacher, ~0 for a one-hot teacher, and uses the center', () => {
    tf.tidy(() => {
      const k = 16;
      const zero = tf.zeros([k]) as tf.Tensor1D;
      const uniform = [tf.ones([3, k]) as tf.Tensor2D];
      expect(dinoTeacherEntropy(uniform, zero, 0.04)).toBeCloseTo(Math.log(k), 5);
      const peaked = [
        tf.cast(tf.oneHot(tf.tensor1d([1, 5, 7], 'int32'), k), 'float32') as tf.Tensor2D,
      ];
      expect(dinoTeacherEntropy(peaked, zero, 0.04)).toBeLessThan(1e-6);
      // Centering with the same one-hot rows cancels the peak of the first.
      const centered = dinoTeacherEntropy(
        peaked,
        tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([1], 'int32'), k), 'float32'), [k]) as tf.Tensor1D,
        0.04,
      );
      expect(centered).toBeGreaterThan(1e-6);
    });
  });
});
