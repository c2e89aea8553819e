/**
 * The wasm `Conv2DBackpropFilter` / `Conv2DBackpropInput` kernels (and the forward GEMM path of
 * `Conv2D`) against the cpu backend's, on
 * the layer configurations of ResNet-18/50 (1×1 / 3×3 / 7×7, strides 1 and 2, 'same' / 'valid' /
 * explicit padding, odd and even sizes, batch 1..3) with reduced channels and maps so that the
 * slow cpu reference stays fast. Every strategy is tested, not only the one picked by default.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/index.js';
import { conv2dBackpropFilterWith } from '../src/wasm/conv2d-backprop-filter.js';
import { conv2dBackpropInputWith } from '../src/wasm/conv2d-backprop-input.js';
import { conv2dViaGemm } from '../src/wasm/conv2d-forward.js';
import type { KernelArgs, WasmBackendLike } from '../src/wasm/wasm-scratch.js';
import { dataIds, expectRelClose, onBackend, seeded } from './wasm-helpers.js';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface Case {
  name: string;
  x: [number, number, number, number];
  k: number;
  co: number;
  strides: [number, number];
  pad: Pad;
}

const sym1: tf.backend_util.ExplicitPadding = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];
const asym: tf.backend_util.ExplicitPadding = [
  [0, 0],
  [1, 0],
  [0, 2],
  [0, 0],
];

// ResNet layer configurations, reduced. "(zp)" = ZeroPadding2D + 'valid', the torchvision layout.
const CASES: Case[] = [
  {
    name: 'stem 7×7/2 (zp 3), even',
    x: [2, 22, 22, 3],
    k: 7,
    co: 4,
    strides: [2, 2],
    pad: 'valid',
  },
  { name: 'stem 7×7/2 same, odd', x: [1, 15, 15, 3], k: 7, co: 4, strides: [2, 2], pad: 'same' },
  { name: 'stem 7×7/2 pad 3', x: [2, 12, 12, 3], k: 7, co: 4, strides: [2, 2], pad: 3 },
  { name: '3×3/1 same, even', x: [2, 8, 8, 4], k: 3, co: 4, strides: [1, 1], pad: 'same' },
  { name: '3×3/1 same, odd, batch 3', x: [3, 7, 7, 5], k: 3, co: 3, strides: [1, 1], pad: 'same' },
  { name: '3×3/1 same, large map', x: [2, 16, 16, 4], k: 3, co: 6, strides: [1, 1], pad: 'same' },
  { name: '3×3/1 pad 1, non-square', x: [2, 7, 10, 4], k: 3, co: 6, strides: [1, 1], pad: 1 },
  { name: '3×3/2 (zp 1), even', x: [2, 10, 10, 4], k: 3, co: 5, strides: [2, 2], pad: 'valid' },
  { name: '3×3/2 (zp 1), odd', x: [1, 11, 11, 4], k: 3, co: 5, strides: [2, 2], pad: 'valid' },
  { name: '3×3/2 same, even', x: [2, 8, 8, 3], k: 3, co: 5, strides: [2, 2], pad: 'same' },
  { name: '3×3/2 same, odd', x: [2, 9, 9, 3], k: 3, co: 5, strides: [2, 2], pad: 'same' },
  { name: '3×3/2 explicit symmetric', x: [2, 8, 8, 4], k: 3, co: 4, strides: [2, 2], pad: sym1 },
  { name: '3×3/2 explicit asymmetric', x: [2, 10, 11, 5], k: 3, co: 4, strides: [2, 2], pad: asym },
  { name: '3×3 strides [2,1]', x: [2, 9, 8, 3], k: 3, co: 4, strides: [2, 1], pad: 'same' },
  {
    name: '3×3/1 on 2×2 map (layer 4)',
    x: [3, 2, 2, 16],
    k: 3,
    co: 16,
    strides: [1, 1],
    pad: 'same',
  },
  { name: '1×1/1 expand c<co', x: [2, 8, 8, 4], k: 1, co: 16, strides: [1, 1], pad: 'valid' },
  { name: '1×1/1 reduce c>co', x: [2, 8, 8, 16], k: 1, co: 4, strides: [1, 1], pad: 'valid' },
  { name: '1×1/2 downsample, even', x: [2, 8, 8, 8], k: 1, co: 16, strides: [2, 2], pad: 'valid' },
  { name: '1×1/2 downsample, odd', x: [1, 9, 9, 8], k: 1, co: 16, strides: [2, 2], pad: 'valid' },
  { name: '1×1/2 same, odd', x: [2, 11, 11, 5], k: 1, co: 4, strides: [2, 2], pad: 'same' },
  { name: '5×5/1 valid', x: [1, 6, 6, 2], k: 5, co: 3, strides: [1, 1], pad: 'valid' },
];

const FILTER_STRATEGIES = ['gemm', 'conv', 'auto'] as const;
const INPUT_STRATEGIES = ['gemm', 'gemm-t', 'conv', 'auto'] as const;

function shapes(c: Case) {
  const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.co];
  const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.strides, 1, c.pad);
  const dyShape: [number, number, number, number] = [c.x[0], info.outHeight, info.outWidth, c.co];
  return { filterShape, dyShape };
}

function info(t: tf.Tensor): tf.TensorInfo {
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
}

/** Calls a kernel implementation directly on the wasm backend and returns its values. */
function callDirect(
  impl: (args: KernelArgs) => tf.TensorInfo,
  inputs: Record<string, tf.Tensor>,
  attrs: tf.NamedAttrMap,
): Float32Array {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const before = dataIds();
  const out = impl({
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, info(t)])),
    attrs,
    backend,
  });
  const values = Float32Array.from(backend.typedArrayFromHeap(out));
  backend.disposeData(out.dataId);
  expect(dataIds(), 'temporaries of the kernel are freed').toBe(before);
  return values;
}

beforeAll(async () => {
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('wasm conv gradient kernels vs the cpu backend', () => {
  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const { filterShape, dyShape } = shapes(c);
      const xv = seeded(tf.util.sizeFromShape(c.x), 100 + i);
      const wv = seeded(tf.util.sizeFromShape(filterShape), 200 + i);
      const dyv = seeded(tf.util.sizeFromShape(dyShape), 300 + i);
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' as const };
      const filterAttrs = { ...common, filterShape } as unknown as tf.NamedAttrMap;
      const inputAttrs = { ...common, inputShape: c.x } as unknown as tf.NamedAttrMap;
      const run = () => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, filterShape);
        const dy = tf.tensor4d(dyv, dyShape);
        const engine = tf.engine();
        const dW = engine.runKernel('Conv2DBackpropFilter', { x, dy }, filterAttrs) as tf.Tensor;
        const dx = engine.runKernel(
          'Conv2DBackpropInput',
          { dy, filter: w },
          inputAttrs,
        ) as tf.Tensor;
        // End to end through tfjs-core's conv2d gradient as well.
        const y = tf.conv2d(x, w, c.strides, c.pad as 'same');
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad as 'same'), dy),
          ),
        )([x, w]);
        return [dW, dx, gx!, gw!, y];
      };
      const [refW, refX, refGx, refGw, refY] = await onBackend('cpu', run);
      const [dW, dx, gx, gw, y] = await onBackend('wasm', run);
      expectRelClose(y!, refY!, 'forward (registered kernel)');
      expectRelClose(dW!, refW!, 'dW (registered kernel)');
      expectRelClose(dx!, refX!, 'dx (registered kernel)');
      expectRelClose(gx!, refGx!, 'tf.grads dx');
      expectRelClose(gw!, refGw!, 'tf.grads dW');

      const x = tf.tensor4d(xv, c.x);
      const w = tf.tensor4d(wv, filterShape);
      const dy = tf.tensor4d(dyv, dyShape);
      const forwardAttrs = { ...common, dilations: 1 } as unknown as tf.NamedAttrMap;
      expectRelClose(
        callDirect(conv2dViaGemm, { x, filter: w }, forwardAttrs),
        refY!,
        'forward GEMM',
      );
      for (const s of FILTER_STRATEGIES) {
        const got = callDirect((a) => conv2dBackpropFilterWith(s, a), { x, dy }, filterAttrs);
        expectRelClose(got, refW!, `dW '${s}'`);
      }
      for (const s of INPUT_STRATEGIES) {
        const got = callDirect((a) => conv2dBackpropInputWith(s, a), { dy, filter: w }, inputAttrs);
        expectRelClose(got, refX!, `dx '${s}'`);
      }
      tf.dispose([x, w, dy]);
    });
  }
});
