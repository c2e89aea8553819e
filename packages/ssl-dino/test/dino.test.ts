import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  ConfigError,
  createRng,
  DisposedError,
  type Rng,
  SGD,
  ShapeError,
  weightsInCreationOrder,
} from '@tumorxai/core';
import { assertAllClose, randomImages } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import {
  createDINOHead,
  DINO,
  dinoLoss,
  forwardByResolution,
  teacherTemperatureSchedule,
} from '../src/index.js';
import { fixedViews, tinyBackbone } from './helpers.js';

const headOptions = { hiddenDim: 16, bottleneckDim: 8, outputDim: 32 };
const flat = (m: tfl.LayersModel) =>
  weightsInCreationOrder(m).map((w) => Array.from(w.read().dataSync()));
const trainable = (m: tfl.LayersModel) =>
  m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
const lastLayer = (m: tfl.LayersModel) =>
  Array.from(m.getLayer('dino_head_last_layer').getWeights()[0]!.dataSync());

/** Views from a seeded generator: 2 × 8 px (noise) and 2 × 4 px crops. */
const seededViews = (images: tf.Tensor4D, rng: Rng): tf.Tensor4D[] =>
  fixedViews(images, 2, rng.seed() % 1000);

/** Records the input shapes of every `apply` of `model`. */
function spyApply(model: tfl.LayersModel): number[][] {
  const calls: number[][] = [];
  const original = model.apply.bind(model);
  model.apply = ((x: tf.Tensor, kwargs?: Record<string, unknown>) => {
    calls.push([...x.shape]);
    return original(x, kwargs);
  }) as typeof model.apply;
  return calls;
}

describe('DINO', () => {
  it('builds the default head on the backbone features and a teacher copy of [backbone, head]', () => {
    const backbone = tinyBackbone();
    const dino = new DINO({ backbone, headOptions });
    expect(dino.head.inputs[0]!.shape).toEqual([null, 8]);
    expect(dino.head.outputs[0]!.shape).toEqual([null, 32]);
    expect(dino.center.dim).toBe(32);
    expect(dino.optimizer.kind).toBe('sgd');
    const [tb, th] = dino.teacher.networks;
    expect(flat(tb!)).toEqual(flat(backbone));
    expect(flat(th!)).toEqual(flat(dino.head));
    expect(tb!.trainableWeights).toHaveLength(0);
    dino.dispose();
    backbone.dispose();
  });

  it('takes one step: loss of the pre-step networks, SGD, teacher EMA after the step, then the center', () => {
    const backbone = tinyBackbone(2);
    const dino = new DINO({
      backbone,
      headOptions,
      optimizer: new SGD({ momentum: 0 }),
      freezeLastLayerEpochs: 0,
      clipGradNorm: null,
      teacherTemperature: 0.05,
      studentTemperature: 0.2,
    });
    const images = randomImages(4);
    const views = fixedViews(images, 2);
    const [tb, th] = dino.teacher.networks as [tfl.LayersModel, tfl.LayersModel];
    const { expected, teacherMean } = tf.tidy(() => {
      const t = tf.split(forwardByResolution(tb, th, views.slice(0, 2)), 2, 0) as tf.Tensor2D[];
      const s = tf.split(forwardByResolution(backbone, dino.head, views), 4, 0) as tf.Tensor2D[];
      const loss = dinoLoss(s, t, tf.zeros([32]) as tf.Tensor1D, {
        studentTemperature: 0.2,
        teacherTemperature: 0.05,
      });
      return {
        expected: loss.dataSync()[0]!,
        teacherMean: Array.from(tf.mean(tf.concat(t, 0), 0).dataSync()),
      };
    });
    const teacherBefore = [...trainable(tb), ...trainable(th)];
    const studentBefore = [...trainable(backbone), ...trainable(dino.head)];
    const result = dino.trainStep(views, {
      step: 0,
      totalSteps: 10,
      learningRate: 0.1,
      momentum: 0.9,
    });
    expect(Math.abs(result.loss - expected)).toBeLessThan(1e-6);
    expect(result.stats).toMatchObject({
      learningRate: 0.1,
      momentum: 0.9,
      teacherTemperature: 0.05,
      lastLayerFrozen: 0,
    });
    expect(result.stats.teacherEntropy).toBeGreaterThan(0);
    expect(result.stats.teacherEntropy).toBeLessThan(Math.log(32));
    expect(result.collapse!.dim).toBe(32);
    const studentAfter = [...trainable(backbone), ...trainable(dino.head)];
    studentAfter.forEach((w, i) => {
      expect(w).not.toEqual(studentBefore[i]);
    });
    const teacherAfter = [...trainable(tb), ...trainable(th)];
    const emaOf = (t: number[], s: number[]) => t.map((v, k) => 0.9 * v + 0.1 * s[k]!);
    teacherAfter.forEach((w, i) => {
      assertAllClose(w, emaOf(teacherBefore[i]!, studentAfter[i]!), {
        atol: 1e-6,
        name: `teacher ${i}`,
      });
    });
    assertAllClose(
      dino.center.value.dataSync(),
      teacherMean.map((v) => 0.1 * v),
      { atol: 1e-6 },
    );
    expect(views.some((v) => v.isDisposed) || images.isDisposed).toBe(false);
    tf.dispose([images, ...views]);
    dino.dispose();
    backbone.dispose();
  });

  it('runs the student backbone once per resolution group and the teacher on the global crops only', () => {
    const backbone = tinyBackbone(3);
    const dino = new DINO({ backbone, headOptions });
    const student = spyApply(backbone);
    const teacher = spyApply(dino.teacher.networks[0]!);
    const images = randomImages(3);
    const views = fixedViews(images, 3);
    dino.trainStep(views, { step: 0, totalSteps: 1 });
    expect(student).toEqual([
      [6, 8, 8, 1],
      [9, 4, 4, 1],
    ]);
    expect(teacher).toEqual([[6, 8, 8, 1]]);
    tf.dispose([images, ...views]);
    dino.dispose();
    backbone.dispose();
  });

  it("freezes the head's last layer during the first freezeLastLayerEpochs epochs (default 1)", () => {
    const backbone = tinyBackbone(4);
    const dino = new DINO({ backbone, headOptions, learningRate: 0.5 });
    const images = randomImages(4);
    const views = fixedViews(images);
    const v0 = lastLayer(dino.head);
    const r0 = dino.trainStep(views, { step: 0, totalSteps: 4, stepsPerEpoch: 2 });
    const r1 = dino.trainStep(views, { step: 1, totalSteps: 4, stepsPerEpoch: 2 });
    expect(lastLayer(dino.head)).toEqual(v0);
    expect([r0.stats.lastLayerFrozen, r1.stats.lastLayerFrozen]).toEqual([1, 1]);
    const r2 = dino.trainStep(views, { step: 2, totalSteps: 4, stepsPerEpoch: 2 });
    expect(r2.stats.lastLayerFrozen).toBe(0);
    expect(lastLayer(dino.head)).not.toEqual(v0);
    tf.dispose([images, ...views]);
    dino.dispose();
    backbone.dispose();
  });

  it('clips each parameter gradient to clipGradNorm', () => {
    const backbone = tinyBackbone(5);
    const dino = new DINO({
      backbone,
      headOptions,
      optimizer: new SGD({ momentum: 0 }),
      clipGradNorm: 1e-3,
      freezeLastLayerEpochs: 0,
    });
    const images = randomImages(4);
    const views = fixedViews(images);
    const before = trainable(backbone);
    dino.trainStep(views, { step: 0, totalSteps: 1, learningRate: 1 });
    const norms = trainable(backbone).map((w, i) =>
      Math.hypot(...w.map((v, k) => v - before[i]![k]!)),
    );
    for (const n of norms) expect(n).toBeLessThanOrEqual(1e-3 * (1 + 1e-4));
    expect(Math.max(...norms)).toBeGreaterThan(0.99e-3); // some gradient was above the threshold
    tf.dispose([images, ...views]);
    dino.dispose();
    backbone.dispose();
  });

  it("follows its schedules: constant τ_t 0.04, cosine momentum scaled to the run, DINO's lr", () => {
    const backbone = tinyBackbone(6);
    const dino = new DINO({ backbone, headOptions, views: seededViews });
    const images = randomImages(8);
    const at = (step: number, totalSteps = 100) =>
      dino.trainStep(images, { step, totalSteps, stepsPerEpoch: 10, rng: createRng(step) }).stats;
    const s0 = at(0);
    expect(s0.teacherTemperature).toBe(0.04);
    // A 100-step run: m₀ = 1 − 10/100, so the teacher's averaging window is a tenth of the run.
    expect(s0.momentum).toBeCloseTo(0.9, 12);
    expect(s0.learningRate).toBe(0);
    const s25 = at(25);
    expect(s25.teacherTemperature).toBe(0.04);
    expect(s25.momentum).toBeCloseTo(1 - (0.1 * (Math.cos(Math.PI / 4) + 1)) / 2, 12);
    expect(s25.learningRate).toBeCloseTo(
      1e-6 + (((0.03 * 8) / 256 - 1e-6) * (1 + Math.cos((Math.PI * 15) / 90))) / 2,
      12,
    );
    // Runs of 2,500 steps or more keep the paper's 0.996 → 1.
    expect(at(0, 2500).momentum).toBeCloseTo(0.996, 12);
    expect(at(0, 100_000).momentum).toBeCloseTo(0.996, 12);
    expect(at(50_000, 100_000).momentum).toBeCloseTo(0.998, 12);
    images.dispose();
    dino.dispose();
    backbone.dispose();
  });

  it("takes the teacher temperature per epoch from a schedule (the paper's 0.04 → 0.07)", () => {
    const backbone = tinyBackbone(6);
    const dino = new DINO({
      backbone,
      headOptions,
      views: seededViews,
      teacherTemperature: teacherTemperatureSchedule(),
    });
    const images = randomImages(8);
    const at = (step: number) =>
      dino.trainStep(images, { step, totalSteps: 100, stepsPerEpoch: 10, rng: createRng(step) })
        .stats.teacherTemperature;
    expect(at(0)).toBe(0.04);
    expect(at(9)).toBe(0.04);
    expect(at(25)).toBeCloseTo(0.04 + (2 * 0.03) / 29, 12);
    images.dispose();
    dino.dispose();
    backbone.dispose();
  });

  it('makes its views from the step generator: the same rng gives the same run', () => {
    const run = () => {
      const backbone = tinyBackbone(7);
      const dino = new DINO({ backbone, headOptions, views: seededViews, learningRate: 0.1 });
      const images = randomImages(6);
      const losses = [0, 1, 2].map(
        (step) => dino.trainStep(images, { step, totalSteps: 3, rng: createRng(step) }).loss,
      );
      const weights = dino.getWeights();
      const values = Object.values(weights).map((t) => Array.from(t.dataSync()));
      tf.dispose([images, weights]);
      dino.dispose();
      backbone.dispose();
      return { losses, values };
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(new Set(a.losses).size).toBe(3);
  });

  it('exports the teacher backbone, which then outlives dispose()', () => {
    const backbone = tinyBackbone(8);
    const before = tf.memory().numTensors;
    const dino = new DINO({ backbone, headOptions });
    const exported = dino.exportBackbone();
    expect(exported).toBe(dino.teacher.networks[0]);
    expect(exported).not.toBe(backbone);
    expect(exported.trainableWeights.length).toBe(backbone.trainableWeights.length);
    const kept = exported.weights.length;
    dino.dispose();
    expect(tf.memory().numTensors).toBe(before + kept);
    const y = exported.predict(randomImages(1)) as tf.Tensor;
    expect(y.shape).toEqual([1, 8]);
    y.dispose();
    exported.dispose();
    expect(tf.memory().numTensors).toBe(before + 1); // the image given to predict
    backbone.dispose();
  });

  it('round-trips student, teacher and center through getWeights / setWeights', () => {
    const backbone = tinyBackbone(9);
    const dino = new DINO({
      backbone,
      headOptions,
      learningRate: 0.2,
      teacherTemperature: teacherTemperatureSchedule(),
    });
    const images = randomImages(4);
    const views = fixedViews(images);
    dino.trainStep(views, { step: 0, totalSteps: 2, epoch: 1 });
    const snapshot = dino.getWeights();
    const keys = Object.keys(snapshot);
    for (const prefix of ['backbone/', 'head/', 'teacherBackbone/', 'teacherHead/']) {
      expect(keys.some((k) => k.startsWith(prefix))).toBe(true);
    }
    expect(snapshot.center!.shape).toEqual([32]);
    expect(snapshot.teacherTemperature!.dataSync()[0]).toBeCloseTo(0.04 + 0.03 / 29, 7);
    dino.trainStep(views, { step: 1, totalSteps: 2, epoch: 1 });
    dino.setWeights(snapshot);
    const restored = dino.getWeights();
    for (const k of keys)
      expect(Array.from(restored[k]!.dataSync())).toEqual(Array.from(snapshot[k]!.dataSync()));
    const { center, ...noCenter } = snapshot;
    expect(() => dino.setWeights(noCenter)).toThrow(/center/);
    const wrongCenter = tf.zeros([3]);
    expect(() => dino.setWeights({ ...snapshot, center: wrongCenter })).toThrow(ShapeError);
    tf.dispose([snapshot, restored, images, wrongCenter, ...views]);
    dino.dispose();
    backbone.dispose();
  });

  it('keeps the tensor count flat over 20 steps (frozen and unfrozen) and frees what it made', () => {
    const backbone = tinyBackbone(10);
    const images = randomImages(6);
    const before = tf.memory().numTensors;
    const dino = new DINO({ backbone, headOptions, views: seededViews });
    const step = (i: number) =>
      dino.trainStep(images, { step: i, totalSteps: 21, epoch: i % 2, rng: createRng(i) });
    step(1); // epoch 1: creates the optimiser slots of every parameter
    const afterFirst = tf.memory().numTensors;
    for (let i = 1; i <= 20; i++) {
      step(i);
      expect(tf.memory().numTensors).toBe(afterFirst);
    }
    dino.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    backbone.dispose();
  });

  it('rejects bad backbones, heads, options and views with typed errors', () => {
    const backbone = tinyBackbone(11);
    const wrongHead = createDINOHead({ inputDim: 5, ...headOptions });
    expect(() => new DINO({ backbone, head: wrongHead })).toThrow(ShapeError);
    expect(() => new DINO({ backbone: wrongHead.layers[0] as unknown as tfl.LayersModel })).toThrow(
      ShapeError,
    );
    expect(() => new DINO({ backbone, head: wrongHead, headOptions })).toThrow(ConfigError);
    expect(() => new DINO({ backbone, clipGradNorm: 0 })).toThrow(/clipGradNorm/);
    expect(() => new DINO({ backbone, globalViews: 0 })).toThrow(/globalViews/);
    expect(() => new DINO({ backbone, freezeLastLayerEpochs: -1 })).toThrow(
      /freezeLastLayerEpochs/,
    );
    const dino = new DINO({ backbone, headOptions });
    const images = randomImages(4);
    const [g1, g2, l1] = fixedViews(images, 1);
    expect(() => dino.trainStep([g1!], { step: 0, totalSteps: 1 })).toThrow(/at least two views/);
    const other = randomImages(3);
    expect(() => dino.trainStep([g1!, other], { step: 0, totalSteps: 1 })).toThrow(ShapeError);
    dino.dispose();
    expect(() => dino.trainStep([g1!, g2!, l1!], { step: 0, totalSteps: 1 })).toThrow(
      DisposedError,
    );
    expect(() => dino.exportBackbone()).toThrow(DisposedError);
    tf.dispose([images, other, g1!, g2!, l1!]);
    wrongHead.dispose();
    backbone.dispose();
  });
});
