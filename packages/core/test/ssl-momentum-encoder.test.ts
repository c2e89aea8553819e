import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createMlpHead,
  DisposedError,
  MomentumEncoder,
  minimize,
  SGD,
  weightsInCreationOrder,
} from '../src/index.js';
import { assertAllClose, expectNoTensorLeak } from '../src/testing/index.js';

const values = (m: tfl.LayersModel) =>
  weightsInCreationOrder(m).map((w) => Array.from(w.read().dataSync()));

function makeOnline(seed: number): [tfl.LayersModel, tfl.LayersModel] {
  const backbone = createMlpHead({ inputDim: 6, hiddenDims: [8], outputDim: 8, seed, name: 'bb' });
  const projector = createMlpHead({
    inputDim: 8,
    hiddenDims: [8],
    outputDim: 4,
    lastBatchNorm: 'no-affine',
    seed: seed + 1,
    name: 'proj',
  });
  return [backbone, projector];
}

/** Sets every trainable weight of `model` to fresh random values. */
function perturb(model: tfl.LayersModel, seed: number): void {
  model.trainableWeights.forEach((w, i) => {
    const v = w.read() as tf.Variable;
    tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 1, 'float32', seed + i)));
  });
}

describe('MomentumEncoder', () => {
  it('is a non-trainable deep copy with no shared variable and the same function', () => {
    const online = makeOnline(1);
    const target = new MomentumEncoder(online);
    online.forEach((net, i) => {
      const copy = target.networks[i]!;
      expect(copy).not.toBe(net);
      const ids = new Set(net.weights.map((w) => w.read().id));
      expect(copy.weights.some((w) => ids.has(w.read().id))).toBe(false);
      expect(copy.trainableWeights).toHaveLength(0);
      expect(copy.weights.every((w) => !(w.read() as tf.Variable).trainable)).toBe(true);
      expect(values(copy)).toEqual(values(net));
    });
    const x = tf.randomNormal([5, 6], 0, 1, 'float32', 4);
    const a = target.apply(x, { training: false });
    const b = online[1].apply(online[0].apply(x, { training: false }), {
      training: false,
    }) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    target.dispose();
    for (const n of online) n.dispose();
  });

  it('update(1) leaves the copy unchanged, update(0) copies the online weights, update(m) is the EMA', () => {
    const online = makeOnline(2);
    const target = new MomentumEncoder(online);
    const initial = target.networks.map(values);
    online.forEach((n, i) => {
      perturb(n, 100 * (i + 1));
    });
    target.update(1);
    expect(target.networks.map(values)).toEqual(initial);

    const m = 0.9;
    target.update(m);
    target.networks.forEach((copy, i) => {
      const onlineNow = values(online[i]!);
      const got = values(copy);
      weightsInCreationOrder(online[i]!).forEach((w, k) => {
        const expected = w.trainable
          ? initial[i]![k]!.map((c, j) => m * c + (1 - m) * onlineNow[k]![j]!)
          : initial[i]![k]!; // BN moving statistics are not EMA'd
        assertAllClose(got[k]!, expected, { atol: 1e-6, name: w.originalName });
      });
    });

    target.update(0);
    target.networks.forEach((copy, i) => {
      weightsInCreationOrder(online[i]!).forEach((w, k) => {
        if (w.trainable) expect(values(copy)[k]).toEqual(values(online[i]!)[k]);
      });
    });
    target.dispose();
    for (const n of online) n.dispose();
  });

  it("keeps its own BN statistics: they move with the copy's forward passes, not the online ones", () => {
    const online = makeOnline(3);
    const target = new MomentumEncoder(online);
    const order = weightsInCreationOrder(online[0]);
    const bnIndex = order.findIndex((w) => w.originalName === 'bb_bn0/moving_mean');
    expect(bnIndex).toBeGreaterThanOrEqual(0);
    const x = tf.add(tf.randomNormal([8, 6], 0, 1, 'float32', 5), 2);
    tf.dispose(
      online[1].apply(online[0].apply(x, { training: true }), { training: true }) as tf.Tensor,
    );
    target.update(0);
    const copyStat = () =>
      Array.from(weightsInCreationOrder(target.networks[0]!)[bnIndex]!.read().dataSync());
    expect(copyStat()).toEqual(new Array(8).fill(0));
    tf.dispose(target.apply(x, { training: true }));
    expect(copyStat()).toEqual(Array.from(order[bnIndex]!.read().dataSync()));
    x.dispose();
    target.dispose();
    for (const n of online) n.dispose();
  });

  it('is never touched by the optimiser, even when its output enters the loss', () => {
    const online = makeOnline(4);
    const target = new MomentumEncoder(online);
    const before = target.networks.map(values);
    const params = online.flatMap((n) => n.trainableWeights.map((w) => w.read() as tf.Variable));
    const copyVars = target.networks.flatMap((n) => n.weights.map((w) => w.read() as tf.Variable));
    expect(params.some((p) => copyVars.includes(p))).toBe(false);
    const x = tf.randomNormal([6, 6], 0, 1, 'float32', 6);
    const sgd = new SGD({ momentum: 0.9 });
    const { grads } = tf.variableGrads(() => {
      const z = online[1].apply(online[0].apply(x, { training: false }), {
        training: false,
      }) as tf.Tensor;
      const k = target.apply(x, { training: false });
      return tf.sum(tf.mul(z, k)) as tf.Scalar;
    }, [...params, ...copyVars]);
    expect(copyVars.every((v) => grads[v.name] == null)).toBe(true);
    tf.dispose(grads);
    tf.dispose(
      minimize(
        sgd,
        params,
        () => {
          const z = online[1].apply(online[0].apply(x, { training: true }), {
            training: true,
          }) as tf.Tensor;
          return tf.sum(tf.square(z)) as tf.Scalar;
        },
        { learningRate: 0.1 },
      ),
    );
    expect(target.networks.map(values)).toEqual(before);
    expect(values(online[0])).not.toEqual(before[0]);
    x.dispose();
    sgd.dispose();
    target.dispose();
    for (const n of online) n.dispose();
  });

  it('rejects a clone that shares variables or has another architecture, and bad momenta', () => {
    const [a, b] = makeOnline(5);
    expect(() => new MomentumEncoder(a, { clone: (s) => s })).toThrow(ConfigError);
    expect(() => new MomentumEncoder(a, { clone: () => b })).toThrow(/another architecture/);
    expect(() => new MomentumEncoder([])).toThrow(ConfigError);
    const target = new MomentumEncoder(a);
    expect(() => target.update(1.5)).toThrow(ConfigError);
    expect(() => target.update(Number.NaN)).toThrow(/momentum/);
    target.dispose();
    expect(() => target.update(0.5)).toThrow(DisposedError);
    a.dispose();
    b.dispose();
  });

  it('does not leak in apply and update, and frees its copies on dispose', async () => {
    const online = makeOnline(6);
    const before = tf.memory().numTensors;
    const target = new MomentumEncoder(online);
    const x = tf.randomNormal([4, 6]);
    await expectNoTensorLeak(() => target.apply(x), { burnIn: 1, runs: 3 });
    await expectNoTensorLeak(() => target.update(0.99), { burnIn: 1, runs: 3 });
    x.dispose();
    target.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const n of online) n.dispose();
  });
});
