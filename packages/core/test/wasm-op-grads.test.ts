/**
 * Every op a ResNet train step and the SSL losses differentiate, on wasm (with the training
 * kernels and the fused rules of leanVariableGrads) against tfjs-core's gradients on cpu.
 * A missing wasm kernel would throw here.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { l2Normalize, leanVariableGrads, registerWasmTrainingKernels } from '../src/index.js';
import { expectRelClose, seeded } from './wasm-helpers.js';

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

interface OpCase {
  name: string;
  /** Shapes of the variables. */
  shapes: number[][];
  /** Builds what the loss needs besides the variables (once per backend), e.g. a layer. */
  setup?: () => tfl.layers.Layer;
  loss: (v: tf.Tensor[], layer?: tfl.layers.Layer) => tf.Scalar;
}

/** Loss and gradients on `backend`; wasm runs leanVariableGrads, cpu runs tf.variableGrads. */
async function gradsOn(backend: 'cpu' | 'wasm', c: OpCase) {
  await tf.setBackend(backend);
  const vars = c.shapes.map((s, i) =>
    tf.variable(tf.tensor(seeded(tf.util.sizeFromShape(s), 40 + i), s)),
  );
  const layer = c.setup?.();
  const gradFn = backend === 'wasm' ? leanVariableGrads : tf.variableGrads;
  const { value, grads } = gradFn(() => c.loss(vars, layer), vars);
  const out = [
    value.dataSync()[0]!,
    ...vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
  ];
  tf.dispose([value, grads, vars]);
  for (const w of layer?.weights ?? []) w.dispose();
  return out as [number, ...Float32Array[]];
}

const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
const bnLayer = (shape: number[]) => () => {
  const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  layer.build(shape);
  return layer;
};
const train = (layer: tfl.layers.Layer | undefined, x: tf.Tensor) =>
  layer!.apply(x, { training: true }) as tf.Tensor;

const CASES: OpCase[] = [
  {
    name: 'BatchNorm (training, NHWC) + ReLU',
    shapes: [
      [4, 5, 6, 8],
      [4, 5, 6, 8],
    ],
    setup: bnLayer([4, 5, 6, 8]),
    loss: ([x, w], bn) => tf.sum(tf.mul(tf.relu(train(bn, x!)), w!)),
  },
  {
    name: 'BatchNorm (training, [N, C] like the SSL heads)',
    shapes: [
      [16, 12],
      [16, 12],
    ],
    setup: bnLayer([16, 12]),
    loss: ([x, w], bn) => tf.sum(tf.mul(train(bn, x!), w!)),
  },
  {
    name: 'BatchNorm with γ, β as variables (tf.moments + tf.batchNorm)',
    shapes: [[3, 4, 4, 6], [6], [6], [3, 4, 4, 6]],
    loss: ([x, g, b, w]) => {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(x!, mean, variance, b!, g!, 1e-5), w!));
    },
  },
  {
    name: 'zero-padded 3×3/2 max-pool, global average pool, dense, softmax cross-entropy',
    shapes: [[4, 9, 9, 6], [6, 5], [5]],
    loss: ([x, w, b]) => {
      const pooled = tf.maxPool(
        tf.pad(x as tf.Tensor4D, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        3,
        2,
        'valid',
      );
      const gap = tf.mean(pooled, [1, 2]);
      const logits = tf.add(tf.matMul(gap, w!), b!);
      return tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.tensor1d([0, 2, 4, 1], 'int32'), 5),
        logits,
      );
    },
  },
  {
    // Windows of a dead ReLU region are all 0: the stock wasm MaxPoolGrad sent their gradient to
    // element 0 of the tensor.
    name: 'ReLU → 3×3/2 max-pool with all-zero windows',
    shapes: [
      [2, 9, 9, 4],
      [2, 4, 4, 4],
    ],
    loss: ([x, w]) =>
      tf.sum(tf.mul(tf.maxPool(tf.relu(tf.sub(x!, 0.6)) as tf.Tensor4D, 3, 2, 'valid'), w!)),
  },
  {
    name: 'l2-normalise + similarity matmul (Aᵀ, Bᵀ) + logSoftmax (SimCLR / MoCo v3)',
    shapes: [
      [8, 16],
      [8, 16],
    ],
    loss: ([a, b]) => {
      const sim = tf.div(tf.matMul(l2Normalize(a!), l2Normalize(b!), false, true), 0.2);
      const logp = tf.logSoftmax(sim);
      const t = tf.matMul(a!, b!, true, false); // [16, 16], transposeA
      return tf.add(tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.eye(8)), 1))), tf.mul(0.01, tf.sum(t)));
    },
  },
  {
    name: 'GELU (erf) MLP head + centered, sharpened softmax (DINO)',
    shapes: [[6, 10], [10, 12], [12]],
    loss: ([x, w, c]) => {
      const student = gelu(tf.matMul(x!, w!));
      const teacher = tf.softmax(tf.div(tf.sub(tf.tensor(seeded(72, 9), [6, 12]), c!), 0.04));
      return tf.neg(
        tf.mean(tf.sum(tf.mul(teacher, tf.logSoftmax(tf.div(student, 0.1))), 1)),
      ) as tf.Scalar;
    },
  },
  {
    name: 'tanh, sigmoid, sqrt, square, exp, log (projector / predictor heads, BYOL loss)',
    shapes: [[5, 7]],
    loss: ([x]) =>
      tf.sum(
        tf.add(
          tf.mul(tf.tanh(x!), tf.sigmoid(x!)),
          tf.log(tf.add(tf.sqrt(tf.add(tf.square(x!), 1)), tf.exp(tf.neg(tf.abs(x!))))),
        ),
      ),
  },
];

describe('op gradients on wasm vs cpu', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const [refLoss, ...ref] = await gradsOn('cpu', c);
      const [loss, ...got] = await gradsOn('wasm', c);
      expectRelClose([loss], [refLoss], 'loss');
      got.forEach((g, i) => {
        expectRelClose(g, ref[i]!, `gradient ${i}`);
      });
    });
  }
});
