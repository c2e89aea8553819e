import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW, ConfigError, LARS, type Optimizer, SGD, ShapeError } from '../src/index.js';
import { assertAllClose, expectNoTensorLeak } from '../src/testing/index.js';

/** Parameters: a 2-D weight (decayed, adapted) and a 1-D bias (neither). */
const W0 = [
  [0.5, -1.0, 0.25],
  [2.0, 0.75, -0.5],
];
const B0 = [0.1, -0.2, 0.3];
/** A different gradient per step, so that momentum and bias correction are exercised. */
const GRADS = [
  { w: [0.3, -0.2, 0.1, 0.05, -0.4, 0.6], b: [0.5, -0.1, 0.2] },
  { w: [-0.1, 0.25, 0.3, -0.2, 0.1, 0.0], b: [-0.3, 0.4, 0.1] },
  { w: [0.2, 0.2, -0.5, 0.4, 0.3, -0.1], b: [0.05, 0.05, -0.2] },
];
const LRS = [0.1, 0.05, 0.2];
const WD = 0.1;

const norm = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

/** Runs three steps of `optimizer` and returns the flattened parameters after each. */
function run(optimizer: Optimizer): number[][][] {
  const w = tf.variable(tf.tensor2d(W0));
  const b = tf.variable(tf.tensor1d(B0));
  const history: number[][][] = [];
  GRADS.forEach((g, i) => {
    const gw = tf.tensor2d(g.w, [2, 3]);
    const gb = tf.tensor1d(g.b);
    optimizer.applyGradients([w, b], [gw, gb], { learningRate: LRS[i]!, weightDecay: WD });
    history.push([Array.from(w.dataSync()), Array.from(b.dataSync())]);
    tf.dispose([gw, gb]);
  });
  tf.dispose([w, b]);
  optimizer.dispose();
  return history;
}

/** Hand computation of the same three steps with a per-parameter update rule. */
function reference(
  rule: (
    p: number[],
    g: number[],
    lr: number,
    decayed: boolean,
    state: number[][],
    t: number,
  ) => number[],
): number[][][] {
  let w = W0.flat();
  let b = [...B0];
  const sw: number[][] = [];
  const sb: number[][] = [];
  return GRADS.map((g, i) => {
    w = rule(w, g.w, LRS[i]!, true, sw, i + 1);
    b = rule(b, g.b, LRS[i]!, false, sb, i + 1);
    return [w, b];
  });
}

function expectClose(got: number[][][], expected: number[][][]): void {
  got.forEach((step, i) => {
    step.forEach((values, k) => {
      assertAllClose(values, expected[i]![k]!, {
        atol: 1e-6,
        rtol: 1e-6,
        name: `step ${i} param ${k}`,
      });
    });
  });
}

describe('SGD', () => {
  for (const nesterov of [false, true]) {
    it(`matches hand-computed steps (momentum 0.9, nesterov ${nesterov}, wd on ndim > 1 only)`, () => {
      const expected = reference((p, g, lr, decayed, state) => {
        const d = g.map((v, k) => v + (decayed ? WD * p[k]! : 0));
        const buf = state[0] ?? d.map(() => 0);
        const next = buf.map((v, k) => 0.9 * v + d[k]!);
        state[0] = next;
        const step = nesterov ? d.map((v, k) => v + 0.9 * next[k]!) : next;
        return p.map((v, k) => v - lr * step[k]!);
      });
      expectClose(run(new SGD({ momentum: 0.9, nesterov })), expected);
    });
  }

  it('without momentum is plain gradient descent', () => {
    const expected = reference((p, g, lr, decayed) =>
      p.map((v, k) => v - lr * (g[k]! + (decayed ? WD * v : 0))),
    );
    expectClose(run(new SGD({ momentum: 0 })), expected);
  });

  it('rejects bad options', () => {
    expect(() => new SGD({ momentum: 1 })).toThrow(ConfigError);
    expect(() => new SGD({ momentum: 0, nesterov: true })).toThrow(/nesterov/);
  });
});

describe('LARS', () => {
  it('matches hand-computed steps (η 0.001, μ 0.9; biases get neither decay nor adaptation)', () => {
    const expected = reference((p, g, lr, decayed, state) => {
      let d = g.map((v, k) => v + (decayed ? WD * p[k]! : 0));
      if (decayed) {
        const q = (0.001 * norm(p)) / norm(d);
        d = d.map((v) => v * q);
      }
      const buf = state[0] ?? d.map(() => 0);
      const next = buf.map((v, k) => 0.9 * v + d[k]!);
      state[0] = next;
      return p.map((v, k) => v - lr * next[k]!);
    });
    expectClose(run(new LARS()), expected);
  });

  it('uses a trust ratio of 1 for a zero parameter or a zero update', () => {
    const lars = new LARS({ weightDecay: 0 });
    const w = tf.variable(tf.zeros([2, 2]));
    const g = tf.ones([2, 2]);
    lars.applyGradients([w], [g], { learningRate: 0.5 });
    assertAllClose(w.dataSync(), [-0.5, -0.5, -0.5, -0.5]);
    const v = tf.variable(tf.ones([2, 2]));
    const zero = tf.zeros([2, 2]);
    const lars2 = new LARS({ weightDecay: 0 });
    lars2.applyGradients([v], [zero], { learningRate: 0.5 });
    assertAllClose(v.dataSync(), [1, 1, 1, 1]);
    expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([w, g, v, zero]);
    lars.dispose();
    lars2.dispose();
  });
});

describe('AdamW', () => {
  it('matches hand-computed steps (bias correction, decoupled decay on ndim > 1 only)', () => {
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const expected = reference((p, g, lr, decayed, state, t) => {
      const m = (state[0] ?? g.map(() => 0)).map((v, k) => b1 * v + (1 - b1) * g[k]!);
      const v = (state[1] ?? g.map(() => 0)).map((x, k) => b2 * x + (1 - b2) * g[k]! ** 2);
      state[0] = m;
      state[1] = v;
      return p.map((x, k) => {
        const decayedX = decayed ? x * (1 - lr * WD) : x;
        const mHat = m[k]! / (1 - b1 ** t);
        const vHat = v[k]! / (1 - b2 ** t);
        return decayedX - (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
    });
    expectClose(run(new AdamW()), expected);
  });

  it('counts steps per parameter: a parameter skipped (null gradient) starts its bias correction later', () => {
    const adamw = new AdamW({ weightDecay: 0 });
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const g = tf.tensor1d([0.5]);
    adamw.applyGradients([a, b], [g, null], { learningRate: 0.1 });
    expect(b.dataSync()[0]).toBe(1);
    adamw.applyGradients([a, b], [g, g], { learningRate: 0.1 });
    // b's first update: m̂ = g, v̂ = g², step = lr·g/(|g| + ε) ≈ 0.1.
    expect(b.dataSync()[0]).toBeCloseTo(0.9, 6);
    expect(adamw.getState().paramSteps).toEqual([2, 1]);
    tf.dispose([a, b, g]);
    adamw.dispose();
  });
});

describe('Optimizer contract', () => {
  const make = () => [new SGD(), new LARS(), new AdamW()];

  it('skips parameters with a null gradient entirely (no decay, no momentum)', () => {
    for (const opt of make()) {
      const w = tf.variable(tf.ones([2, 2]));
      const v = tf.variable(tf.ones([2, 2]));
      const g = tf.ones([2, 2]);
      opt.applyGradients([w, v], [g, null], { learningRate: 0.1, weightDecay: 0.5 });
      assertAllClose(v.dataSync(), [1, 1, 1, 1], { atol: 0 });
      expect(Object.keys(opt.getState().slots).every((k) => k.startsWith('0/'))).toBe(true);
      tf.dispose([w, v, g]);
      opt.dispose();
    }
  });

  it('rejects a changed parameter list, mismatched gradients and non-finite rates', () => {
    for (const opt of make()) {
      const w = tf.variable(tf.ones([2, 2]));
      const v = tf.variable(tf.ones([3]));
      const g = tf.ones([2, 2]);
      opt.applyGradients([w], [g], { learningRate: 0.1 });
      expect(() => opt.applyGradients([v], [tf.ones([3])], { learningRate: 0.1 })).toThrow(
        ShapeError,
      );
      expect(() => opt.applyGradients([w], [tf.ones([4])], { learningRate: 0.1 })).toThrow(
        /gradient 0/,
      );
      expect(() => opt.applyGradients([w], [], { learningRate: 0.1 })).toThrow(ShapeError);
      expect(() => opt.applyGradients([w], [g], { learningRate: Number.NaN })).toThrow(ConfigError);
      tf.dispose([w, v, g]);
      opt.dispose();
    }
  });

  it('round-trips its state exactly: a restored optimiser continues bit-identically', () => {
    for (const [a, b] of [
      [new SGD({ nesterov: true }), new SGD({ nesterov: true })],
      [new LARS(), new LARS()],
      [new AdamW(), new AdamW()],
    ] as const) {
      const w1 = tf.variable(tf.tensor2d(W0));
      const grads = GRADS.map((g) => tf.tensor2d(g.w, [2, 3]));
      a.applyGradients([w1], [grads[0]!], { learningRate: 0.1 });
      a.applyGradients([w1], [grads[1]!], { learningRate: 0.1 });
      const state = a.getState();
      expect(state.iterations).toBe(2);
      const w2 = tf.variable(tf.clone(w1));
      b.setState(state);
      tf.dispose(state.slots);
      a.applyGradients([w1], [grads[2]!], { learningRate: 0.2 });
      b.applyGradients([w2], [grads[2]!], { learningRate: 0.2 });
      expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
      expect(b.iterations).toBe(3);
      const other = a.kind === 'sgd' ? new AdamW() : new SGD();
      const bState = b.getState();
      expect(() => other.setState(bState)).toThrow(ConfigError);
      tf.dispose(bState.slots);
      tf.dispose([w1, w2, ...grads]);
      a.dispose();
      b.dispose();
    }
  });

  it('does not leak across steps and frees its slots on dispose', async () => {
    for (const opt of make()) {
      const before = tf.memory().numTensors;
      // tf.variable keeps its initial tensor alive: create it inside a tidy.
      const w = tf.tidy(() => tf.variable(tf.ones([2, 2])));
      const b = tf.tidy(() => tf.variable(tf.ones([2])));
      const gw = tf.ones([2, 2]);
      const gb = tf.ones([2]);
      await expectNoTensorLeak(() => opt.applyGradients([w, b], [gw, gb], { learningRate: 0.1 }), {
        burnIn: 1,
        runs: 5,
      });
      tf.dispose(opt.getState().slots);
      opt.dispose();
      tf.dispose([w, b, gw, gb]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
