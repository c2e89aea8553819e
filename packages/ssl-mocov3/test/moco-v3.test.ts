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
  createMoCoV3PredictionHead,
  createMoCoV3ProjectionHead,
  MoCoV3,
  type MoCoV3Batch,
  mocoV3Loss,
} from '../src/index.js';

const names = (m: { trainableWeights: { originalName: string }[] }) =>
  m.trainableWeights.map((w) => w.originalName);

describe('MoCo v3 heads', () => {
  it('projector: Linear(no bias) → BN → ReLU → Linear(no bias) → BN(no γ, no β); 2048→4096→256', () => {
    const projector = createMoCoV3ProjectionHead({ inputDim: 12, hiddenDim: 20, outputDim: 6 });
    expect(projector.inputs[0]!.shape).toEqual([null, 12]);
    expect(projector.outputs[0]!.shape).toEqual([null, 6]);
    expect(names(projector)).toEqual([
      'projection_head_linear0/kernel',
      'projection_head_bn0/gamma',
      'projection_head_bn0/beta',
      'projection_head_linear1/kernel',
    ]);
    // The last BN exists (normalises) but learns nothing: only its moving statistics.
    const lastBn = projector.getLayer('projection_head_bn1');
    expect(lastBn.weights.map((w) => w.originalName)).toEqual([
      'projection_head_bn1/moving_mean',
      'projection_head_bn1/moving_variance',
    ]);
    const x = tf.randomNormal([16, 12], 0, 1, 'float32', 1);
    const z = projector.apply(x, { training: true }) as tf.Tensor;
    const { mean, variance } = tf.moments(z, 0);
    expect(Math.max(...Array.from(tf.abs(mean).dataSync()))).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(tf.abs(tf.sub(variance, 1)).dataSync()))).toBeLessThan(1e-3);
    tf.dispose([x, z, mean, variance]);
    projector.dispose();
    const vit = createMoCoV3ProjectionHead({ inputDim: 8, hiddenDim: 8, outputDim: 4, layers: 3 });
    expect(names(vit).filter((n) => n.endsWith('kernel'))).toHaveLength(3);
    vit.dispose();
    expect(() => createMoCoV3ProjectionHead({ layers: 0 })).toThrow(ConfigError);
    const big = createMoCoV3ProjectionHead();
    expect(big.getLayer('projection_head_linear0').getWeights()[0]!.shape).toEqual([2048, 4096]);
    expect(big.outputs[0]!.shape).toEqual([null, 256]);
    big.dispose();
  });

  it('predictor: Linear(no bias) → BN → ReLU → Linear(no bias), no last BN; 256→4096→256', () => {
    const predictor = createMoCoV3PredictionHead({ inputDim: 6, hiddenDim: 10, outputDim: 6 });
    expect(names(predictor)).toEqual([
      'prediction_head_linear0/kernel',
      'prediction_head_bn0/gamma',
      'prediction_head_bn0/beta',
      'prediction_head_linear1/kernel',
    ]);
    expect(predictor.layers.at(-1)!.getClassName()).toBe('Dense');
    predictor.dispose();
    const big = createMoCoV3PredictionHead();
    expect(big.getLayer('prediction_head_linear0').getWeights()[0]!.shape).toEqual([256, 4096]);
    expect(big.getLayer('prediction_head_linear1').getWeights()[0]!.shape).toEqual([4096, 256]);
    big.dispose();
  });
});

describe('MoCoV3', () => {
  it('builds the default heads from the backbone, a momentum copy of backbone + projector, and checks shapes', () => {
    const backbone = tinyBackbone();
    const moco = new MoCoV3({ backbone, hiddenDim: 32, outputDim: 8 });
    expect(moco.projectionHead.inputs[0]!.shape).toEqual([null, 16]);
    expect(moco.predictionHead.inputs[0]!.shape).toEqual([null, 8]);
    expect(moco.predictionHead.outputs[0]!.shape).toEqual([null, 8]);
    expect(moco.momentumEncoder.networks).toHaveLength(2);
    expect(weightArrays(moco.momentumEncoder.networks[0]!)).toEqual(weightArrays(backbone));
    expect(weightArrays(moco.momentumEncoder.networks[1]!)).toEqual(
      weightArrays(moco.projectionHead),
    );
    expect(moco.exportBackbone()).toBe(backbone);
    expect(moco.optimizer.kind).toBe('lars');
    moco.dispose();
    const wrongProjector = createMoCoV3ProjectionHead({ inputDim: 15, hiddenDim: 8, outputDim: 8 });
    expect(() => new MoCoV3({ backbone, projectionHead: wrongProjector })).toThrow(ShapeError);
    const wrongPredictor = createMoCoV3PredictionHead({ inputDim: 8, hiddenDim: 8, outputDim: 4 });
    expect(() => new MoCoV3({ backbone, outputDim: 8, predictionHead: wrongPredictor })).toThrow(
      /prediction head/,
    );
    expect(() => new MoCoV3({ backbone, baseMomentum: -0.1 })).toThrow(ConfigError);
    expect(() => new MoCoV3({ backbone, temperature: 0 })).toThrow(/temperature/);
    wrongProjector.dispose();
    wrongPredictor.dispose();
    backbone.dispose();
  });

  it('one step: momentum = EMA(previous, online BEFORE the step), updated before the keys; loss from those keys', () => {
    const backbone = tinyBackbone(8, 2);
    const optimizer = new RecordingOptimizer();
    const moco = new MoCoV3({
      backbone,
      hiddenDim: 32,
      outputDim: 8,
      optimizer,
      temperature: 0.5,
      seed: 3,
    });
    const images = randomImages(6);
    const views = noiseViews(images, createRng(1)) as [tf.Tensor4D, tf.Tensor4D];
    const online = [backbone, moco.projectionHead];
    const m = 0.5; // far from 1, so that the moment of the update is visible
    // Make the momentum encoder differ from the online network first (a step with m = 0 is a copy).
    moco.trainStep(views, { step: 0, totalSteps: 10, learningRate: 0.5, momentum: 1 });
    const momentumBefore = moco.momentumEncoder.networks.map(weightArrays);
    const onlineBefore = online.map(weightArrays);
    // The keys the step must use: the momentum encoder after its update with the pre-step weights.
    const expectedLoss = tf.tidy(() => {
      const q = views.map(
        (v) =>
          moco.predictionHead.apply(
            moco.projectionHead.apply(backbone.apply(v, { training: true }), { training: true }),
            { training: true },
          ) as tf.Tensor2D,
      );
      const snapshot = moco.getWeights();
      moco.momentumEncoder.update(m);
      const k = views.map((v) => moco.momentumEncoder.apply(v) as tf.Tensor2D);
      const loss = mocoV3Loss(q[0]!, q[1]!, k[0]!, k[1]!, { temperature: 0.5 }).dataSync()[0]!;
      moco.setWeights(snapshot);
      return loss;
    });
    const result = moco.trainStep(views, {
      step: 1,
      totalSteps: 10,
      learningRate: 0.5,
      momentum: m,
    });
    expect(Math.abs(result.loss - expectedLoss)).toBeLessThan(1e-6);
    expect(result.stats.momentum).toBe(m);
    const onlineAfter = online.map(weightArrays);
    let movedBy = 0;
    online.forEach((net, i) => {
      const momentumAfter = weightArrays(moco.momentumEncoder.networks[i]!);
      trainableMask(net).forEach((trainable, k) => {
        if (!trainable) return; // BN statistics are the copy's own
        const ema = momentumBefore[i]![k]!.map(
          (t, j) => m * t + (1 - m) * onlineBefore[i]![k]![j]!,
        );
        expect(maxAbsDiff(momentumAfter[k]!, ema)).toBeLessThanOrEqual(1e-6);
        const wrongMoment = momentumBefore[i]![k]!.map(
          (t, j) => m * t + (1 - m) * onlineAfter[i]![k]![j]!,
        );
        movedBy = Math.max(movedBy, maxAbsDiff(momentumAfter[k]!, wrongMoment));
      });
    });
    expect(movedBy).toBeGreaterThan(1e-3); // EMA with the post-step online weights would not match
    // The optimiser saw exactly the online trainable variables, none of the momentum encoder's.
    const onlineIds = [backbone, moco.projectionHead, moco.predictionHead].flatMap((n) =>
      n.trainableWeights.map((w) => w.read().id),
    );
    const momentumIds = new Set(
      moco.momentumEncoder.networks.flatMap((n) => n.weights.map((w) => w.read().id)),
    );
    for (const ids of optimizer.calls) {
      expect([...ids].sort()).toEqual([...onlineIds].sort());
      expect(ids.some((id) => momentumIds.has(id))).toBe(false);
    }
    expect(views[0].isDisposed || images.isDisposed).toBe(false);
    tf.dispose([images, ...views]);
    moco.dispose();
    backbone.dispose();
  });

  it('with the default schedule, m_k = 1 − (1 − 0.99)(cos(πk/K) + 1)/2 is the EMA weight of step k', () => {
    const backbone = tinyBackbone(8, 4);
    const moco = new MoCoV3({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      optimizer: new SGD(),
    });
    const images = randomImages(4);
    for (const [step, expected] of [
      [0, 0.99],
      [50, 0.995],
      [100, 1],
      [30, cosineSchedule(30, 100, 0.99, 1)],
    ] as const) {
      const before = weightArrays(moco.momentumEncoder.networks[0]!);
      const onlineBefore = weightArrays(backbone);
      const r = moco.trainStep(images, { step, totalSteps: 100, learningRate: 0.1 });
      expect(r.stats.momentum).toBeCloseTo(expected, 12);
      const after = weightArrays(moco.momentumEncoder.networks[0]!);
      trainableMask(backbone).forEach((trainable, k) => {
        if (!trainable) return;
        const ema = before[k]!.map((t, j) => expected * t + (1 - expected) * onlineBefore[k]![j]!);
        expect(maxAbsDiff(after[k]!, ema)).toBeLessThanOrEqual(1e-6);
      });
    }
    const preset = new MoCoV3({ backbone, hiddenDim: 8, outputDim: 4, baseMomentum: 0.996 });
    expect(preset.momentumAt({ step: 0, totalSteps: 10 })).toBe(0.996);
    expect(preset.momentumAt({ step: 3, totalSteps: 10, momentum: 0.5 })).toBe(0.5);
    preset.dispose();
    images.dispose();
    moco.dispose();
    backbone.dispose();
  });

  it('defaults to LARS with lr 0.6·B/256, warm-up over min(10 epochs, 10 %) then cosine; the context wins', () => {
    const backbone = tinyBackbone();
    const moco = new MoCoV3({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    const images = randomImages(32);
    const lr = (step: number, stepsPerEpoch?: number) =>
      moco.trainStep(images, { step, totalSteps: 1000, stepsPerEpoch }).stats.learningRate!;
    const peak = (0.6 * 32) / 256;
    expect(lr(0)).toBe(0);
    expect(lr(50)).toBeCloseTo(peak / 2, 12);
    expect(lr(100)).toBeCloseTo(peak, 12);
    expect(lr(5, 1)).toBeCloseTo(peak / 2, 12);
    expect(lr(550)).toBeCloseTo(peak / 2, 12);
    expect(
      moco.trainStep(images, { step: 3, totalSteps: 10, learningRate: 0.01 }).stats.learningRate,
    ).toBe(0.01);
    const fixed = new MoCoV3({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      learningRate: 0.02,
    });
    expect(fixed.trainStep(images, { step: 1, totalSteps: 2 }).stats.learningRate).toBe(0.02);
    fixed.dispose();
    images.dispose();
    moco.dispose();
    backbone.dispose();
  });

  it('uses its views with the step generator: the same rng gives the same steps', () => {
    const run = () => {
      const backbone = tinyBackbone(8, 4);
      const moco = new MoCoV3({
        backbone,
        hiddenDim: 16,
        outputDim: 8,
        views: noiseViews,
        seed: 2,
      });
      const images = randomImages(8);
      const losses = [0, 1, 2].map(
        (step) =>
          moco.trainStep(images, {
            step,
            totalSteps: 3,
            rng: createRng(10 + step),
            learningRate: 0.3,
          }).loss,
      );
      const weights = [
        ...weightArrays(backbone),
        ...moco.momentumEncoder.networks.flatMap(weightArrays),
      ];
      images.dispose();
      moco.dispose();
      backbone.dispose();
      return { losses, weights };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(new Set(a.losses).size).toBe(3);
  });

  it('reports the std of the l2-normalised queries for the collapse monitor', () => {
    const backbone = tinyBackbone(8, 6);
    const moco = new MoCoV3({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    const images = randomImages(8);
    const views = noiseViews(images, createRng(4));
    const expected = tf.tidy(() => {
      const q = views.map(
        (v) =>
          moco.predictionHead.apply(
            moco.projectionHead.apply(backbone.apply(v, { training: true }), { training: true }),
            { training: true },
          ) as tf.Tensor,
      );
      const u = tf.concat(q, 0);
      return tf
        .mean(tf.sqrt(tf.moments(tf.div(u, tf.norm(u, 'euclidean', 1, true)), 0).variance))
        .dataSync()[0]!;
    });
    const r = moco.trainStep(views as [tf.Tensor4D, tf.Tensor4D], {
      step: 0,
      totalSteps: 1,
      learningRate: 0.1,
    });
    expect(r.collapse!.dim).toBe(8);
    expect(r.collapse!.std).toBeCloseTo(expected, 5);
    expect(r.collapse!.std).toBeGreaterThan(0.1 / Math.sqrt(8));
    expect(r.stats.embeddingStd).toBe(r.collapse!.std);
    tf.dispose([images, ...views]);
    moco.dispose();
    backbone.dispose();
  });

  it('round-trips online and momentum weights and rejects wrong ones; throws after dispose', () => {
    const backbone = tinyBackbone(8, 5);
    const moco = new MoCoV3({
      backbone,
      hiddenDim: 16,
      outputDim: 8,
      views: noiseViews,
      optimizer: new AdamW(),
    });
    const snapshot = moco.getWeights();
    const prefixes = new Set(Object.keys(snapshot).map((k) => k.split('/')[0]));
    expect([...prefixes].sort()).toEqual(
      [
        'backbone',
        'momentumBackbone',
        'momentumProjectionHead',
        'predictionHead',
        'projectionHead',
      ].sort(),
    );
    expect(Object.keys(snapshot).filter((k) => k.startsWith('momentumBackbone/'))).toHaveLength(
      weightsInCreationOrder(backbone).length,
    );
    const images = randomImages(4);
    moco.trainStep(images, { step: 0, totalSteps: 1, learningRate: 0.1, momentum: 0.5 });
    moco.trainStep(images, { step: 1, totalSteps: 2, learningRate: 0.1, momentum: 0.5 });
    moco.setWeights(snapshot);
    const restored = moco.getWeights();
    for (const [k, t] of Object.entries(snapshot)) {
      expect(Array.from(restored[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    const bad = tf.zeros([3]);
    expect(() => moco.setWeights({ ...snapshot, 'momentumProjectionHead/0': bad })).toThrow(
      ShapeError,
    );
    const three = randomImages(3);
    expect(() => moco.trainStep([images, three], { step: 0, totalSteps: 1 })).toThrow(/two views/);
    tf.dispose([snapshot, restored, images, three, bad]);
    moco.dispose();
    expect(() => moco.trainStep(images, { step: 0, totalSteps: 1 })).toThrow(DisposedError);
    expect(() => moco.exportBackbone()).toThrow(DisposedError);
    moco.dispose(); // idempotent
    backbone.dispose();
  });

  it('keeps the tensor count flat across 20 train steps and frees its own tensors on dispose', () => {
    const backbone = tinyBackbone(8, 6);
    const images = randomImages(8);
    const before = tf.memory().numTensors;
    const moco = new MoCoV3({ backbone, hiddenDim: 16, outputDim: 8, views: noiseViews });
    moco.trainStep(images, { step: 0, totalSteps: 21 }); // creates the optimiser slots
    const afterFirst = tf.memory().numTensors;
    for (let step = 1; step <= 20; step++) {
      moco.trainStep(images, { step, totalSteps: 21 });
      expect(tf.memory().numTensors).toBe(afterFirst);
    }
    expect(() =>
      moco.trainStep([images] as unknown as MoCoV3Batch, { step: 0, totalSteps: 1 }),
    ).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(afterFirst);
    moco.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    backbone.dispose();
  });
});
