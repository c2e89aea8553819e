/**
 * Kernel micro-benchmark of `bench/suites/wasm-train.bench.ts --kernels`, run in its own process:
 * tfjs-backend-wasm's own kernel against TumorXAI's on one ResNet-50 shape each, CPU time per
 * call (median of 7 after a warm-up; CPU time, because the machines are shared). Prints one line
 * `RESULT {json}` with the rows.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '@tumorxai/core';

type Inputs = Record<string, tf.Tensor>;
interface Case {
  name: string;
  kernel: string;
  inputs: () => Inputs;
  attrs: tf.NamedAttrMap;
  /** An input copied to a new buffer before every call (a filter that changes every step). */
  fresh?: string;
}

const r = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

const CASES: Case[] = [
  {
    name: 'Conv2DBackpropInput 3×3, [16,16,16,64] (layer 1 at 64 px)',
    kernel: 'Conv2DBackpropInput',
    inputs: () => ({ dy: r([16, 16, 16, 64], 1), filter: r([3, 3, 64, 64], 2) }),
    attrs: { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: [16, 16, 16, 64] },
  },
  {
    name: 'Conv2DBackpropInput 3×3, [16,4,4,256] (layer 3)',
    kernel: 'Conv2DBackpropInput',
    inputs: () => ({ dy: r([16, 4, 4, 256], 1), filter: r([3, 3, 256, 256], 2) }),
    attrs: { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: [16, 4, 4, 256] },
  },
  {
    name: 'FusedConv2D 3×3, [16,2,2,512], fresh filter (layer 4)',
    kernel: 'FusedConv2D',
    inputs: () => ({ x: r([16, 2, 2, 512], 1), filter: r([3, 3, 512, 512], 2) }),
    attrs: {
      strides: [1, 1],
      pad: 'same',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation: 'linear',
    },
    fresh: 'filter',
  },
  {
    name: 'Sum over [N, H, W] of [16,16,16,256]',
    kernel: 'Sum',
    inputs: () => ({ x: r([16, 16, 16, 256], 1) }),
    attrs: { axis: [0, 1, 2], keepDims: false },
  },
  {
    name: 'FusedBatchNorm [16,16,16,256]',
    kernel: 'FusedBatchNorm',
    inputs: () => ({
      x: r([16, 16, 16, 256], 1),
      mean: r([256], 2),
      variance: tf.add(r([256], 3), 2),
      offset: r([256], 4),
      scale: r([256], 5),
    }),
    attrs: { varianceEpsilon: 1e-5 },
  },
  {
    name: 'Tile [1,1,1,256] → [16,16,16,256] (BatchNorm gradient)',
    kernel: 'Tile',
    inputs: () => ({ x: r([1, 1, 1, 256], 1) }),
    attrs: { reps: [16, 16, 16, 1] },
  },
  {
    name: 'Identity [16,16,16,256] (every saved tensor)',
    kernel: 'Identity',
    inputs: () => ({ x: r([16, 16, 16, 256], 1) }),
    attrs: {},
  },
  {
    name: 'BatchMatMul dy·Wᵀ [256,2048]·[2048,2048]ᵀ (dense input gradient)',
    kernel: 'BatchMatMul',
    inputs: () => ({ a: r([1, 256, 2048], 1), b: r([1, 2048, 2048], 2) }),
    attrs: { transposeA: false, transposeB: true },
  },
  {
    name: 'BatchMatMul Aᵀ·dy [256,2048]ᵀ·[256,2048] (dense weight gradient)',
    kernel: 'BatchMatMul',
    inputs: () => ({ a: r([1, 256, 2048], 1), b: r([1, 256, 2048], 2) }),
    attrs: { transposeA: true, transposeB: false },
  },
];

/** Median CPU time (ms) of `run` over 7 calls after a warm-up; `prepare` runs untimed. */
function cpuMs<T>(
  prepare: () => T,
  run: (p: T) => tf.TensorInfo,
  cleanup: (p: T, out: tf.TensorInfo) => void,
) {
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    const p = prepare();
    const c0 = process.cpuUsage();
    const out = run(p);
    const c = process.cpuUsage(c0);
    cleanup(p, out);
    if (i > 0) times.push((c.user + c.system) / 1000);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}

async function main() {
  await tf.setBackend('wasm');
  const stock = new Map(CASES.map((c) => [c.kernel, tf.getKernel(c.kernel, 'wasm')!]));
  registerWasmTrainingKernels();
  const backend = tf.backend() as unknown as { disposeData(id: tf.DataId): boolean };
  const info = (t: tf.Tensor): tf.TensorInfo => ({
    dataId: t.dataId,
    shape: t.shape,
    dtype: t.dtype,
  });
  const rows = CASES.map((c) => {
    const inputs = c.inputs();
    const time = (config: tf.KernelConfig) =>
      cpuMs(
        () => {
          const copy = c.fresh ? tf.mul(inputs[c.fresh]!, 1) : null;
          const all = copy ? { ...inputs, [c.fresh!]: copy } : inputs;
          return {
            copy,
            infos: Object.fromEntries(Object.entries(all).map(([k, t]) => [k, info(t)])),
          };
        },
        ({ infos }) =>
          config.kernelFunc({
            inputs: infos,
            attrs: c.attrs,
            backend: tf.backend(),
          }) as tf.TensorInfo,
        ({ copy }, out) => {
          backend.disposeData(out.dataId);
          copy?.dispose();
        },
      );
    const row = {
      name: c.name,
      stockMs: time(stock.get(c.kernel)!),
      oursMs: time(tf.getKernel(c.kernel, 'wasm')!),
    };
    tf.dispose(inputs);
    return row;
  });
  console.log(`RESULT ${JSON.stringify({ rows })}`);
}

main().catch((error: unknown) => {
  console.log(`ERROR ${JSON.stringify(String(error))}`);
  process.exit(1);
});
