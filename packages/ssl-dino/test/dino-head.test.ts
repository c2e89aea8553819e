import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, MomentumEncoder, minimize, SGD } from '@tumorxai/core';
import { assertAllClose, expectNoTensorLeak } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { cancelLastLayerGradients, createDINOHead, WeightNormDense } from '../src/index.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const weight = (model: tfl.LayersModel, layer: string, index = 0) =>
  model.getLayer(layer).getWeights()[index]!;

/** erf in float64: Taylor series for |x| < 3, the continued fraction of erfc beyond. */
function erf(x: number): number {
  if (Math.abs(x) >= 3) {
    let f = Math.abs(x);
    for (let n = 80; n >= 1; n--) f = Math.abs(x) + n / 2 / f;
    return Math.sign(x) * (1 - Math.exp(-x * x) / Math.sqrt(Math.PI) / f);
  }
  let sum = x;
  let term = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** The head in float64, from its weights: Linear → GELU(erf) → Linear → GELU → Linear → l2n → V/‖V‖. */
function referenceHead(model: tfl.LayersModel, x: number[][], name = 'dino_head'): number[][] {
  const dense = (h: number[][], i: number) => {
    const k = weight(model, `${name}_linear${i}`, 0).arraySync() as number[][];
    const b = weight(model, `${name}_linear${i}`, 1).arraySync() as number[];
    return h.map((row) => b.map((bj, j) => bj + row.reduce((a, v, r) => a + v * k[r]![j]!, 0)));
  };
  const gelu = (h: number[][]) =>
    h.map((row) => row.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))));
  let h = gelu(dense(x, 0));
  h = gelu(dense(h, 1));
  h = dense(h, 2).map((row) => {
    const n = Math.max(Math.hypot(...row), 1e-12);
    return row.map((v) => v / n);
  });
  const v = weight(model, `${name}_last_layer`).arraySync() as number[][];
  const norms = v[0]!.map((_, j) => Math.hypot(...v.map((r) => r[j]!)));
  return h.map((row) => norms.map((n, j) => row.reduce((a, u, r) => a + (u * v[r]![j]!) / n, 0)));
}

const small = { inputDim: 6, hiddenDim: 10, bottleneckDim: 5, outputDim: 7 };

describe('createDINOHead', () => {
  it("has DINO's defaults: 2048 → 2048 → 2048 → 256 → l2n → 65536, no BN, no learnable norm", () => {
    const head = createDINOHead({ seed: 0 });
    expect(head.inputs[0]!.shape).toEqual([null, 2048]);
    expect(head.outputs[0]!.shape).toEqual([null, 65536]);
    expect(head.weights.map((w) => `${w.originalName} ${w.shape.join('x')}`)).toEqual([
      'dino_head_linear0/kernel 2048x2048',
      'dino_head_linear0/bias 2048',
      'dino_head_linear1/kernel 2048x2048',
      'dino_head_linear1/bias 2048',
      'dino_head_linear2/kernel 2048x256',
      'dino_head_linear2/bias 256',
      'dino_head_last_layer/weight_v 256x65536',
    ]);
    head.dispose();
  });

  it('computes Linear → exact GELU → … → bottleneck → l2n → V/‖V‖ (float64 reference)', () => {
    const head = createDINOHead({ ...small, seed: 1 });
    // Pre-activations of order 1, where exact GELU and its tanh approximation differ (~1e-3).
    for (const name of ['dino_head_linear0', 'dino_head_linear1']) {
      const layer = head.getLayer(name);
      const [k, b] = layer.getWeights();
      layer.setWeights([tf.mul(k!, 40), tf.add(b!, 0.5)]);
    }
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
    const y = head.apply(x) as tf.Tensor2D;
    expect(y.shape).toEqual([4, 7]);
    assertAllClose(values(y), referenceHead(head, x.arraySync()).flat(), {
      atol: 1e-5,
      name: 'head',
    });
    // A cosine layer: every output lies in [−1, 1].
    expect(values(y).every((v) => Math.abs(v) <= 1 + 1e-6)).toBe(true);
    tf.dispose([x, y]);
    head.dispose();
  });

  it('initialises like DINO: MLP kernels N(0, 0.02²) with one seed per layer, biases 0; seeded', () => {
    const a = createDINOHead({
      inputDim: 64,
      hiddenDim: 64,
      bottleneckDim: 64,
      outputDim: 8,
      seed: 3,
    });
    const b = createDINOHead({
      inputDim: 64,
      hiddenDim: 64,
      bottleneckDim: 64,
      outputDim: 8,
      seed: 3,
    });
    const c = createDINOHead({
      inputDim: 64,
      hiddenDim: 64,
      bottleneckDim: 64,
      outputDim: 8,
      seed: 4,
    });
    const k0 = values(weight(a, 'dino_head_linear0'));
    const k1 = values(weight(a, 'dino_head_linear1'));
    const std = Math.sqrt(k0.reduce((s, v) => s + v * v, 0) / k0.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect(k1).not.toEqual(k0); // equal shapes, different draws
    expect(values(weight(a, 'dino_head_linear1', 1)).every((v) => v === 0)).toBe(true);
    a.weights.forEach((w, i) => {
      expect(values(w.read())).toEqual(values(b.weights[i]!.read()));
    });
    expect(values(weight(c, 'dino_head_linear0'))).not.toEqual(k0);
    for (const m of [a, b, c]) m.dispose();
  });

  it('is invariant to scaling the weight-norm direction V', () => {
    const head = createDINOHead({ ...small, seed: 5 });
    const x = tf.randomNormal([3, 6], 0, 1, 'float32', 6);
    const before = head.apply(x) as tf.Tensor;
    const last = head.getLayer('dino_head_last_layer');
    const v = last.getWeights()[0]!;
    const scales = tf.tensor1d([0.01, 2, 3.7, 100, 1, 5, 0.5]); // one per output column
    last.setWeights([tf.mul(v, scales)]);
    const after = head.apply(x) as tf.Tensor;
    assertAllClose(values(after), values(before), { atol: 1e-6 });
    tf.dispose([x, before, after, scales]);
    head.dispose();
  });

  it('learns the norm g when normLastLayer is false, and adds BN with batchNorm', () => {
    const head = createDINOHead({ ...small, normLastLayer: false, batchNorm: true, seed: 7 });
    expect(head.trainableWeights.map((w) => w.originalName)).toContain(
      'dino_head_last_layer/weight_g',
    );
    expect(head.getLayer('dino_head_bn0').getConfig().epsilon).toBe(1e-5);
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 8);
    const y1 = head.apply(x, { training: true }) as tf.Tensor;
    head
      .getLayer('dino_head_last_layer')
      .setWeights([weight(head, 'dino_head_last_layer', 0), tf.fill([7], 2)]);
    const y2 = head.apply(x, { training: true }) as tf.Tensor;
    assertAllClose(
      values(y2),
      values(y1).map((v) => 2 * v),
      { atol: 1e-5 },
    );
    tf.dispose([x, y1, y2]);
    head.dispose();
  });

  it('saves and loads with tf.loadLayersModel, and copies with MomentumEncoder', async () => {
    const head = createDINOHead({ ...small, seed: 9 });
    const x = tf.randomNormal([2, 6], 0, 1, 'float32', 10);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await head.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.getLayer('dino_head_last_layer')).toBeInstanceOf(WeightNormDense);
    const copy = new MomentumEncoder(head);
    const expected = values(head.apply(x) as tf.Tensor);
    assertAllClose(values(loaded.apply(x) as tf.Tensor), expected, { atol: 0 });
    assertAllClose(values(copy.apply(x)), expected, { atol: 0 });
    copy.dispose();
    loaded.dispose();
    head.dispose();
    x.dispose();
  });

  it('frees every weight on dispose and does not leak when applied', async () => {
    const before = tf.memory().numTensors;
    const head = createDINOHead({ ...small, batchNorm: true, seed: 11 });
    const x = tf.ones([4, 6]);
    await expectNoTensorLeak(() => head.apply(x, { training: true }), { runs: 3 });
    x.dispose();
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createDINOHead({ layers: 0 })).toThrow(ConfigError);
    expect(() => createDINOHead({ outputDim: 0 })).toThrow(/outputDim/);
  });
});

describe('cancelLastLayerGradients', () => {
  it('freezes the last layer during epoch 0 and trains it afterwards', () => {
    const head = createDINOHead({ ...small, seed: 12 });
    const optimizer = new SGD({ momentum: 0.9 });
    const params = head.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 13);
    const snapshot = () => head.weights.map((w) => values(w.read()));
    const step = (epoch: number) => {
      tf.dispose(
        minimize(
          optimizer,
          params,
          () => tf.mean(tf.square(head.apply(x) as tf.Tensor)) as tf.Scalar,
          {
            learningRate: 0.5,
            transformGradients: (g, p) => cancelLastLayerGradients(head, p, g, { epoch }),
          },
        ),
      );
    };
    const lastIndex = head.weights.findIndex(
      (w) => w.originalName === 'dino_head_last_layer/weight_v',
    );
    const w0 = snapshot();
    step(0);
    const w1 = snapshot();
    expect(w1[lastIndex]).toEqual(w0[lastIndex]);
    w1.forEach((w, i) => {
      if (i !== lastIndex) expect(w).not.toEqual(w0[i]);
    });
    step(1);
    expect(snapshot()[lastIndex]).not.toEqual(w1[lastIndex]);
    // freezeLastLayerEpochs: 0 never freezes; 2 freezes epochs 0 and 1.
    const grads = params.map(() => tf.scalar(1));
    const frozenAt = (epoch: number, freezeLastLayerEpochs: number) =>
      cancelLastLayerGradients(head, params, grads, { epoch, freezeLastLayerEpochs }).filter(
        (g) => g === null,
      ).length;
    expect([frozenAt(0, 0), frozenAt(1, 2), frozenAt(2, 2)]).toEqual([0, 1, 0]);
    expect(() => cancelLastLayerGradients(head, params, grads, { epoch: -1 })).toThrow(ConfigError);
    tf.dispose([x, ...grads]);
    optimizer.dispose();
    head.dispose();
  });
});
