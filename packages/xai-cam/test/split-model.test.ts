/**
 * `splitModel` on general graphs, and targets for models that are not 17-class ResNets.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@tumorxai/core';
import { describe, expect, it } from 'vitest';
import {
  binaryTarget,
  embeddingSimilarityTarget,
  GradCam,
  HiResCam,
  splitModel,
} from '../src/index.js';
import { maxAbsDiff } from './fixtures.js';

/** input → a → cut → add(cut, a) → d → concat(d, a) → pool → dense: `a` jumps over the cut. */
function skipModel(units = 3): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 2] });
  const conv = (x: tfl.SymbolicTensor, name: string) =>
    tfl.layers
      .conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        name,
        kernelInitializer: tfl.initializers.glorotNormal({ seed: name.length }),
      })
      .apply(x) as tfl.SymbolicTensor;
  const a = conv(input, 'a');
  const cut = conv(a, 'cut');
  const sum = tfl.layers.add({ name: 'sum' }).apply([cut, a]) as tfl.SymbolicTensor;
  const d = conv(sum, 'd');
  const joined = tfl.layers.concatenate({ name: 'joined' }).apply([d, a]) as tfl.SymbolicTensor;
  const pooled = tfl.layers
    .globalAveragePooling2d({ name: 'pool' })
    .apply(joined) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units, name: 'out', kernelInitializer: tfl.initializers.glorotNormal({ seed: 5 }) })
    .apply(pooled);
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

describe('splitModel', () => {
  it('feeds tensors that jump over the cut to the tail: tail(head(x)) = model(x)', () => {
    const model = skipModel();
    const split = splitModel(model, 'cut');
    expect(split.crossing).toHaveLength(1);
    expect(split.activationShape).toEqual([null, 6, 6, 4]);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 1);
    const { activation, crossing } = split.head(x);
    const viaSplit = split.tail(activation, crossing);
    const direct = model.predict(x) as tf.Tensor;
    expect(maxAbsDiff(viaSplit.dataSync(), direct.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, activation, crossing, viaSplit, direct]);
    model.dispose();
  });

  it('the gradient is the partial derivative through the cut (finite differences), as a torch hook gives', () => {
    const model = skipModel();
    const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 2);
    const cam = new HiResCam(model, { targetLayer: 'cut' });
    const details = cam.explainDetailed(x, { targets: [1] });
    const gradients = details.layers[0]!.gradients!.dataSync();
    const split = splitModel(model, 'cut');
    const { activation, crossing } = split.head(x);
    const base = Float32Array.from(activation.dataSync());
    const score = (values: Float32Array) =>
      tf.tidy(() => split.tail(tf.tensor(values, activation.shape), crossing).dataSync()[1]!);
    const eps = 1e-2;
    for (const i of [0, 17, 40, 101, 143]) {
      const up = base.slice();
      const down = base.slice();
      up[i]! += eps;
      down[i]! -= eps;
      const numeric = (score(up) - score(down)) / (2 * eps);
      expect(Math.abs(numeric - gradients[i]!)).toBeLessThan(2e-3);
    }
    tf.dispose([x, activation, crossing, details as unknown as tf.TensorContainer]);
    model.dispose();
  });

  it('rejects layers it cannot cut at, saying why', () => {
    const model = skipModel();
    expect(() => splitModel(model, 'nope')).toThrow(
      /has no layer "nope". Expected a layer with a spatial output \(/,
    );
    expect(() => splitModel(model, 'pool')).toThrow(/has no spatial axes/);
    const input = tfl.input({ shape: [4, 4, 2] });
    const shared = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'shared' });
    const twice = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    const branch = tfl.layers
      .conv2d({ filters: 2, kernelSize: 1, name: 'unused' })
      .apply(input) as tfl.SymbolicTensor;
    const pooled = tfl.layers.globalAveragePooling2d({}).apply(twice) as tfl.SymbolicTensor;
    const multi = tfl.model({ inputs: input, outputs: [pooled, branch] });
    expect(() => splitModel(multi, 'shared')).toThrow(/exactly one input and one output/);
    const single = tfl.model({ inputs: input, outputs: pooled });
    expect(() => splitModel(single, 'shared')).toThrow(/has 2 outputs .* ambiguous/);
    expect(() => splitModel(single, 'unused')).toThrow(ConfigError);
    model.dispose();
    multi.dispose(); // `single` shares its layers
  });
});

describe('targets for other heads', () => {
  it('embeddingSimilarityTarget explains an embedding model; no target throws a clear error', () => {
    const model = skipModel(8);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 3);
    const embeddings = model.predict(x) as tf.Tensor2D;
    const reference = tf.tidy(() => tf.squeeze(tf.slice(embeddings, 0, 1), [0]));
    const target = embeddingSimilarityTarget(reference);
    const scores = tf.tidy(() => target(embeddings).dataSync());
    expect(scores[0]).toBeCloseTo(1, 5);
    const cam = new GradCam(model, { targetLayer: 'cut' });
    const maps = cam.explain(x, { targets: [target] });
    expect(maps.shape).toEqual([2, 6, 6]);
    expect(() => embeddingSimilarityTarget([1, 2])(embeddings)).toThrow(/\[batch, 2\]/);
    tf.dispose([x, embeddings, reference, maps]);
    model.dispose();
  });

  it('binaryTarget: the logit for category 1, its negative for category 0', () => {
    const logits = tf.tensor2d([[0.5], [-2]]);
    expect(Array.from(tf.tidy(() => binaryTarget(1)(logits).dataSync()))).toEqual([0.5, -2]);
    expect(Array.from(tf.tidy(() => binaryTarget(0)(logits).dataSync()))).toEqual([-0.5, 2]);
    expect(() => binaryTarget(2 as 1)).toThrow(ConfigError);
    logits.dispose();
  });

  it('an embedding model without targets asks for them instead of explaining a meaningless argmax', () => {
    const input = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers
      .conv2d({ filters: 2, kernelSize: 1, name: 'c' })
      .apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: conv });
    const cam = new GradCam(model, { targetLayer: 'c' });
    const x = tf.ones([1, 4, 4, 1]);
    expect(() => cam.explain(x)).toThrow(/pass targets|Pass targets/);
    x.dispose();
    model.dispose();
  });
});
