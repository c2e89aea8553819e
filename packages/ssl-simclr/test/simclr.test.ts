import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  createRng,
  DisposedError,
  SGD,
  ShapeError,
  weightsInCreationOrder,
} from '@tumorxai/core';
import { noiseViews, randomImages, tinyBackbone, weightArrays } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { createSimCLRProjectionHead, ntXentLoss, SimCLR } from '../src/index.js';

describe('createSimCLRProjectionHead', () => {
  it("is lightly's head: Linear(no bias)+BN+ReLU, Linear(no bias)+BN(affine); 2048→2048→128 by default", () => {
    const head = createSimCLRProjectionHead({ inputDim: 32, hiddenDim: 24 });
    expect(head.inputs[0]!.shape).toEqual([null, 32]);
    expect(head.outputs[0]!.shape).toEqual([null, 128]);
    expect(head.trainableWeights.map((w) => w.originalName)).toEqual([
      'projection_head_linear0/kernel',
      'projection_head_bn0/gamma',
      'projection_head_bn0/beta',
      'projection_head_linear1/kernel',
      'projection_head_bn1/gamma',
      'projection_head_bn1/beta',
    ]);
    head.dispose();
    const three = createSimCLRProjectionHead({
      inputDim: 8,
      hiddenDim: 8,
      outputDim: 4,
      layers: 3,
      lastBatchNorm: 'scale',
    });
    expect(three.trainableWeights.map((w) => w.originalName).at(-1)).toBe(
      'projection_head_bn2/gamma',
    );
    three.dispose();
    const big = createSimCLRProjectionHead();
    expect(big.inputs[0]!.shape).toEqual([null, 2048]);
    expect(big.getLayer('projection_head_linear0').getWeights()[0]!.shape).toEqual([2048, 2048]);
    big.dispose();
    expect(() => createSimCLRProjectionHead({ layers: 0 })).toThrow(/layers/);
  });
});

describe('SimCLR', () => {
  it('checks the backbone and head shapes', () => {
    const backbone = tinyBackbone();
    expect(
      () => new SimCLR({ backbone, projectionHead: createSimCLRProjectionHead({ inputDim: 15 }) }),
    ).toThrow(ShapeError);
    const simclr = new SimCLR({ backbone });
    expect(simclr.projectionHead.inputs[0]!.shape).toEqual([null, 16]);
    expect(simclr.projectionHead.outputs[0]!.shape).toEqual([null, 128]);
    expect(simclr.exportBackbone()).toBe(backbone);
    simclr.dispose();
    backbone.dispose();
  });

  it('takes one step: the loss is NT-Xent of g(f([v1; v2])) before the update, and every weight moves', () => {
    const backbone = tinyBackbone();
    const simclr = new SimCLR({
      backbone,
      temperature: 0.2,
      optimizer: new SGD({ momentum: 0.9 }),
    });
    const images = randomImages(6);
    const views = noiseViews(images, createRng(1)) as [tf.Tensor4D, tf.Tensor4D];
    const expected = tf.tidy(() => {
      const z = simclr.projectionHead.apply(
        backbone.apply(tf.concat(views, 0), { training: true }),
        {
          training: true,
        },
      ) as tf.Tensor2D;
      const [z1, z2] = tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
      return ntXentLoss(z1, z2, { temperature: 0.2 }).dataSync()[0]!;
    });
    const before = [...weightArrays(backbone), ...weightArrays(simclr.projectionHead)];
    const result = simclr.trainStep(views, { step: 0, totalSteps: 10, learningRate: 0.05 });
    expect(Math.abs(result.loss - expected)).toBeLessThan(1e-6);
    expect(result.stats.learningRate).toBe(0.05);
    expect(result.collapse!.dim).toBe(128);
    expect(result.collapse!.std).toBeGreaterThan(0.1 / Math.sqrt(128));
    const trainable = new Set(
      [...backbone.trainableWeights, ...simclr.projectionHead.trainableWeights].map(
        (w) => w.originalName,
      ),
    );
    const after = [
      ...weightsInCreationOrder(backbone),
      ...weightsInCreationOrder(simclr.projectionHead),
    ];
    after.forEach((w, i) => {
      if (trainable.has(w.originalName))
        expect(Array.from(w.read().dataSync())).not.toEqual(before[i]);
    });
    expect(views[0].isDisposed || images.isDisposed).toBe(false);
    tf.dispose([images, ...views]);
    simclr.dispose();
    backbone.dispose();
  });

  it('uses its views with the step generator: the same rng gives the same step', () => {
    const run = () => {
      const backbone = tinyBackbone(8, 4);
      const simclr = new SimCLR({ backbone, views: noiseViews, seed: 2 });
      const images = randomImages(8);
      const losses = [0, 1, 2].map(
        (step) => simclr.trainStep(images, { step, totalSteps: 3, rng: createRng(10 + step) }).loss,
      );
      const weights = weightArrays(backbone);
      images.dispose();
      simclr.dispose();
      backbone.dispose();
      return { losses, weights };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(new Set(a.losses).size).toBe(3);
  });

  it("defaults to LARS with lr 0.075·√B, 10 % warm-up and cosine decay; the context's lr wins", () => {
    const backbone = tinyBackbone();
    const simclr = new SimCLR({ backbone, views: noiseViews });
    expect(simclr.optimizer.kind).toBe('lars');
    const images = randomImages(16);
    const lr = (step: number) =>
      simclr.trainStep(images, { step, totalSteps: 100 }).stats.learningRate!;
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBeCloseTo(0.075 * 4 * 0.5, 10);
    expect(lr(10)).toBeCloseTo(0.3, 10);
    expect(lr(55)).toBeCloseTo(0.15, 10);
    expect(
      simclr.trainStep(images, { step: 55, totalSteps: 100, learningRate: 0.01 }).stats
        .learningRate,
    ).toBe(0.01);
    images.dispose();
    simclr.dispose();
    backbone.dispose();
  });

  it('round-trips its weights and rejects wrong ones; throws after dispose', () => {
    const backbone = tinyBackbone(8, 5);
    const simclr = new SimCLR({ backbone, views: noiseViews, optimizer: new AdamW() });
    const snapshot = simclr.getWeights();
    expect(Object.keys(snapshot).filter((k) => k.startsWith('backbone/'))).toHaveLength(
      backbone.weights.length,
    );
    const images = randomImages(4);
    simclr.trainStep(images, { step: 0, totalSteps: 1, learningRate: 0.1 });
    simclr.setWeights(snapshot);
    const restored = simclr.getWeights();
    for (const [k, t] of Object.entries(snapshot)) {
      expect(Array.from(restored[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    expect(() => simclr.setWeights({ ...snapshot, 'backbone/0': tf.zeros([3]) })).toThrow(
      ShapeError,
    );
    expect(() => simclr.trainStep([images, randomImages(3)], { step: 0, totalSteps: 1 })).toThrow(
      /two views/,
    );
    tf.dispose([snapshot, restored, images]);
    simclr.dispose();
    expect(() => simclr.trainStep(images, { step: 0, totalSteps: 1 })).toThrow(DisposedError);
    backbone.dispose();
  });

  it('keeps the tensor count flat across 20 train steps and frees its own tensors on dispose', () => {
    const backbone = tinyBackbone(8, 6);
    const images = randomImages(8);
    const before = tf.memory().numTensors;
    const simclr = new SimCLR({ backbone, views: noiseViews });
    simclr.trainStep(images, { step: 0, totalSteps: 21 }); // creates the optimiser slots
    const afterFirst = tf.memory().numTensors;
    for (let step = 1; step <= 20; step++) {
      simclr.trainStep(images, { step, totalSteps: 21 });
      expect(tf.memory().numTensors).toBe(afterFirst);
    }
    simclr.dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    backbone.dispose();
  });
});
