import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  ConfigError,
  cosineSchedule,
  createRng,
  DisposedError,
  SGD,
  ShapeError,
  weightsInCreationOrder,
} from '@tumorxai/core';
import {
  maxAbsDiff,
  noiseViews,
  RecordingOptimizer,
  randomImages,
  tinyBackbone,
  trainableMask,
  weightArrays,
} from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import {
  BYOL,
  type BYOLBatch,
  byolLoss,
  createBYOLPredictionHead,
  createBYOLProjectionHead,
} from '../src/index.js';

describe('BYOL heads', () => {
  it('are Linear(bias) → BN → ReLU → Linear(bias); 2048→4096→256 and 256→4096→256 by default', () => {
    const projector = createBYOLProjectionHead({ inputDim: 12, hiddenDim: 20, outputDim: 6 });
    expect(projector.inputs[0]!.shape).toEqual([null, 12]);
    expect(projector.outputs[0]!.shape).toEqual([null, 6]);
    expect(projector.trainableWeights.map((w) => w.originalName)).toEqual([
      'projection_head_linear0/kernel',
      'projection_head_linear0/bias',
      'projection_head_bn0/gamma',
      'projection_head_bn0/beta',
      'projection_head_linear1/kernel',
      'projection_head_linear1/bias',
    ]);
    expect(projector.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
      'BatchNormalization',
      'Activation',
      'Dense',
    ]);
    projector.dispose();
    const big = createBYOLProjectionHead();
    expect(big.getLayer('projection_head_linear0').getWeights()[0]!.shape).toEqual([2048, 4096]);
    expect(big.outputs[0]!.shape).toEqual([null, 256]);
    big.dispose();
    const predictor = createBYOLPredictionHead();
    expect(predictor.getLayer('prediction_head_linear0').getWeights()[0]!.shape).toEqual([
      256, 4096,
    ]);
    expect(predictor.getLayer('prediction_head_linear1').getWeights()[0]!.shape).toEqual([
      4096, 256,
    ]);
    predictor.dispose();
    const lightly = createBYOLPredictionHead({
      inputDim: 4,
      hiddenDim: 8,
      outputDim: 4,
      bias: false,
    });
    expect(lightly.trainableWeights.some((w) => w.originalName.endsWith('bias'))).toBe(false);
    lightly.dispose();
  });
});

describe('BYOL', () => {
  it('builds the default heads from the backbone, a target copy of backbone + projector, and checks shapes', () => {
    const backbone = tinyBackbone();
    const byol = new BYOL({ backbone, hiddenDim: 32, outputDim: 8 });
    expect(byol.projectionHead.inputs[0]!.shape).toEqual([null, 16]);
    expect(byol.projectionHead.outputs[0]!.shape).toEqual([null, 8]);
    expect(byol.predictionHead.inputs[0]!.shape).toEqual([null, 8]);
    expect(byol.predictionHead.outputs[0]!.shape).toEqual([null, 8]);
    expect(byol.target.networks).toHaveLength(2);
    expect(weightArrays(byol.target.networks[0]!)).toEqual(weightArrays(backbone));
    expect(weightArrays(byol.target.networks[1]!)).toEqual(weightArrays(byol.projectionHead));
    expect(byol.exportBackbone()).toBe(backbone);
    expect(byol.optimizer.kind).toBe('lars');
    byol.dispose();

    const wrongProjector = createBYOLProjectionHead({ inputDim: 15, hiddenDim: 8, outputDim: 8 });
    expect(() => new BYOL({ backbone, projectionHead: wrongProjector })).toThrow(ShapeError);
    const wrongPredictor = createBYOLPredictionHead({ inputDim: 8, hiddenDim: 8, outputDim: 4 });
    expect(() => new BYOL({ backbone, outputDim: 8, predictionHead: wrongPredictor })).toThrow(
      /prediction head/,
    );
    expect(() => new BYOL({ backbone, baseMomentum: 1.5 })).toThrow(ConfigError);
    wrongProjector.dispose();
    wrongPredictor.dispose();
    backbone.dispose();
  });

  it('one step: loss from online & target before the update; target = EMA(previous target, online AFTER the step)', () => {
    const backbone = tinyBackbone(8, 2);
    const optimizer = new RecordingOptimizer();
    const byol = new BYOL({ backbone, hiddenDim: 32, outputDim: 8, optimizer, seed: 3 });
    const images = randomImages(6);
    const views = noiseViews(images, createRng(1)) as [tf.Tensor4D, tf.Tensor4D];
    const online = [backbone, byol.projectionHead];
    // The loss as it should be: online predictions and target projections before any update.
    const expectedLoss = tf.tidy(() => {
      const p = views.map(
        (v) =>
          byol.predictionHead.apply(
            byol.projectionHead.apply(backbone.apply(v, { training: true }), { training: true }),
            { training: true },
          ) as tf.Tensor2D,
      );
      const z = views.map((v) => byol.target.apply(v) as tf.Tensor2D);
      return byolLoss(p[0]!, p[1]!, z[0]!, z[1]!).dataSync()[0]!;
    });
    const targetBefore = byol.target.networks.map(weightArrays);
    const onlineBefore = online.map(weightArrays);
    const m = 0.5; // far from 1, so that the moment of the update is visible
    const result = byol.trainStep(views, {
      step: 0,
      totalSteps: 10,
      learningRate: 0.5,
      momentum: m,
    });
    expect(Math.abs(result.loss - expectedLoss)).toBeLessThan(1e-6);
    expect(result.stats.momentum).toBe(m);
    const onlineAfter = online.map(weightArrays);
    let movedBy = 0;
    online.forEach((net, i) => {
      const mask = trainableMask(net);
      const targetAfter = weightArrays(byol.target.networks[i]!);
      mask.forEach((trainable, k) => {
        if (!trainable) return; // BN statistics are the target's own
        const ema = targetBefore[i]![k]!.map((t, j) => m * t + (1 - m) * onlineAfter[i]![k]![j]!);
        expect(maxAbsDiff(targetAfter[k]!, ema)).toBeLessThanOrEqual(1e-6);
        const wrongMoment = targetBefore[i]![k]!.map(
          (t, j) => m * t + (1 - m) * onlineBefore[i]![k]![j]!,
        );
        movedBy = Math.max(movedBy, maxAbsDiff(targetAfter[k]!, wrongMoment));
      });
    });
    expect(movedBy).toBeGreaterThan(1e-3); // EMA with the pre-step online weights would not match
    // The optimiser saw exactly the online trainable variables, none of the target's.
    const ids = optimizer.calls[0]!;
    const onlineIds = [backbone, byol.projectionHead, byol.predictionHead].flatMap((n) =>
      n.trainableWeights.map((w) => w.read().id),
    );
    expect([...ids].sort()).toEqual([...onlineIds].sort());
    const targetIds = new Set(
      byol.target.networks.flatMap((n) => n.weights.map((w) => w.read().id)),
    );
    expect(ids.some((id) => targetIds.has(id))).toBe(false);
    expect(views[0].isDisposed || images.isDisposed).toBe(false);
    tf.dispose([images, ...views]);
    byol.dispose();
    backbone.dispose();
  });

  it('with the default schedule, τ_k = 1 − (1 − 0.996)(cos(πk/K) + 1)/2 is the EMA weight of step k', () => {
    const backbone = tinyBackbone(8, 4);
    const byol = new BYOL({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      optimizer: new SGD(),
    });
    const images = randomImages(4);
    for (const [step, expected] of [
      [0, 0.996],
      [50, 0.998],
      [100, 1],
      [30, cosineSchedule(30, 100, 0.996, 1)],
    ] as const) {
      const before = weightArrays(byol.target.networks[0]!);
      const r = byol.trainStep(images, { step, totalSteps: 100, learningRate: 0.1 });
      expect(r.stats.momentum).toBeCloseTo(expected, 12);
      const onlineNow = weightArrays(backbone);
      const after = weightArrays(byol.target.networks[0]!);
      trainableMask(backbone).forEach((trainable, k) => {
        if (!trainable) return;
        const ema = before[k]!.map((t, j) => expected * t + (1 - expected) * onlineNow[k]![j]!);
        expect(maxAbsDiff(after[k]!, ema)).toBeLessThanOrEqual(1e-6);
      });
    }
    const preset = new BYOL({ backbone, hiddenDim: 8, outputDim: 4, baseMomentum: 0.99 });
    expect(preset.momentumAt({ step: 0, totalSteps: 10 })).toBe(0.99);
    expect(preset.momentumAt({ step: 3, totalSteps: 10, momentum: 0.5 })).toBe(0.5);
    preset.dispose();
    images.dispose();
    byol.dispose();
    backbone.dispose();
  });

  it('defaults to LARS with lr 0.2·B/256, warm-up over min(10 epochs, 10 %) then cosine; the context wins', () => {
    const backbone = tinyBackbone();
    const byol = new BYOL({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    const images = randomImages(32);
    const lr = (step: number, stepsPerEpoch?: number) =>
      byol.trainStep(images, { step, totalSteps: 1000, stepsPerEpoch }).stats.learningRate!;
    const peak = (0.2 * 32) / 256;
    expect(lr(0)).toBe(0);
    expect(lr(50)).toBeCloseTo(peak / 2, 12); // 100 warm-up steps (10 % of 1000)
    expect(lr(100)).toBeCloseTo(peak, 12);
    expect(lr(5, 1)).toBeCloseTo(peak / 2, 12); // 10 epochs of 1 step
    expect(lr(550)).toBeCloseTo(peak / 2, 12);
    expect(
      byol.trainStep(images, { step: 3, totalSteps: 10, learningRate: 0.01 }).stats.learningRate,
    ).toBe(0.01);
    const fixed = new BYOL({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      learningRate: (s, k, b) => s + k + b,
    });
    expect(fixed.trainStep(images, { step: 1, totalSteps: 2 }).stats.learningRate).toBe(35);
    fixed.dispose();
    images.dispose();
    byol.dispose();
    backbone.dispose();
  });

  it('uses its views with the step generator: the same rng gives the same steps', () => {
    const run = () => {
      const backbone = tinyBackbone(8, 4);
      const byol = new BYOL({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews, seed: 2 });
      const images = randomImages(8);
      const losses = [0, 1, 2].map(
        (step) =>
          byol.trainStep(images, {
            step,
            totalSteps: 3,
            rng: createRng(10 + step),
            learningRate: 0.3,
          }).loss,
      );
      const weights = [...weightArrays(backbone), ...byol.target.networks.flatMap(weightArrays)];
      images.dispose();
      byol.dispose();
      backbone.dispose();
      return { losses, weights };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(new Set(a.losses).size).toBe(3);
  });

  it('reports the std of the l2-normalised projections (collapse monitor) and of the predictions', () => {
    const backbone = tinyBackbone(8, 6);
    const byol = new BYOL({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    const images = randomImages(8);
    const views = noiseViews(images, createRng(4));
    const expected = tf.tidy(() => {
      const std = (t: tf.Tensor) =>
        tf
          .mean(tf.sqrt(tf.moments(tf.div(t, tf.norm(t, 'euclidean', 1, true)), 0).variance))
          .dataSync()[0]!;
      const z = views.map(
        (v) =>
          byol.projectionHead.apply(backbone.apply(v, { training: true }), {
            training: true,
          }) as tf.Tensor,
      );
      const p = z.map((t) => byol.predictionHead.apply(t, { training: true }) as tf.Tensor);
      return { z: std(tf.concat(z, 0)), p: std(tf.concat(p, 0)) };
    });
    const r = byol.trainStep(views as [tf.Tensor4D, tf.Tensor4D], {
      step: 0,
      totalSteps: 1,
      learningRate: 0.1,
    });
    expect(r.collapse!.dim).toBe(8);
    expect(r.collapse!.std).toBeCloseTo(expected.z, 5);
    expect(r.stats.embeddingStd).toBe(r.collapse!.std);
    expect(r.stats.predictionStd).toBeCloseTo(expected.p, 5);
    expect(r.stats.predictionStd).not.toBeCloseTo(r.collapse!.std, 5);
    expect(r.collapse!.std).toBeGreaterThan(0.1 / Math.sqrt(8));
    tf.dispose([images, ...views]);
    byol.dispose();
    backbone.dispose();
  });

  it('round-trips online and target weights and rejects wrong ones; throws after dispose', () => {
    const backbone = tinyBackbone(8, 5);
    const byol = new BYOL({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      optimizer: new AdamW(),
    });
    const snapshot = byol.getWeights();
    const prefixes = new Set(Object.keys(snapshot).map((k) => k.split('/')[0]));
    expect([...prefixes].sort()).toEqual(
      [
        'backbone',
        'predictionHead',
        'projectionHead',
        'targetBackbone',
        'targetProjectionHead',
      ].sort(),
    );
    expect(Object.keys(snapshot).filter((k) => k.startsWith('targetBackbone/'))).toHaveLength(
      weightsInCreationOrder(backbone).length,
    );
    const images = randomImages(4);
    byol.trainStep(images, { step: 0, totalSteps: 1, learningRate: 0.1, momentum: 0.5 });
    byol.setWeights(snapshot);
    const restored = byol.getWeights();
    for (const [k, t] of Object.entries(snapshot)) {
      expect(Array.from(restored[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    const bad = tf.zeros([3]);
    expect(() => byol.setWeights({ ...snapshot, 'targetBackbone/0': bad })).toThrow(ShapeError);
    const three = randomImages(3);
    expect(() => byol.trainStep([images, three], { step: 0, totalSteps: 1 })).toThrow(/two views/);
    tf.dispose([snapshot, restored, images, three, bad]);
    byol.dispose();
    expect(() => byol.trainStep(images, { step: 0, totalSteps: 1 })).toThrow(DisposedError);
    expect(() => byol.getWeights()).toThrow(DisposedError);
    byol.dispose(); // idempotent
    backbone.dispose();
  });

  it('keeps the tensor count flat across 20 train steps and frees its own tensors on dispose', () => {
    const backbone = tinyBackbone(8, 6);
    const images = randomImages(8);
    const before = tf.memory().numTensors;
    const byol = new BYOL({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    byol.trainStep(images, { step: 0, totalSteps: 21 }); // creates the optimiser slots
    const afterFirst = tf.memory().numTensors;
    for (let step = 1; step <= 20; step++) {
      byol.trainStep(images, { step, totalSteps: 21 });
      expect(tf.memory().numTensors).toBe(afterFirst);
    }
    expect(() =>
      byol.trainStep([images] as unknown as BYOLBatch, { step: 0, totalSteps: 1 }),
    ).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(afterFirst);
    byol.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    backbone.dispose();
  });
});
