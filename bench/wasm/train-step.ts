/**
 * One benchmark configuration of `bench/suites/wasm-train.bench.ts`, run in its own process (the
 * wasm heap only ever grows, and the cpu runs must not share a process with wasm ones):
 *
 *   node --conditions=source --import tsx bench/wasm/train-step.ts '<json TrainStepConfig>'
 *
 * Builds a torchvision ResNet (`@tumorxai/backbone-resnet`, 17 classes), trains it with softmax
 * cross-entropy and plain SGD (lr 0.01, BN in training mode) on a fixed random batch, and prints
 * one line `RESULT {json}`: wall and CPU times of the steps after warm-up, heap and RSS peaks,
 * losses, tensor counts.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createResNet } from '@tumorxai/backbone-resnet';
import { initBackend, leanVariableGrads, useWasmThreads } from '@tumorxai/core';

/** What one child process measures. */
export interface TrainStepConfig {
  depth: 18 | 50;
  width: number;
  size: number;
  batch: number;
  backend: 'wasm' | 'cpu';
  /** `'lean'`: leanVariableGrads; `'tfjs'`: tf.variableGrads (what optimizer.minimize runs). */
  grads: 'lean' | 'tfjs';
  warmup: number;
  steps: number;
  /** wasm threads through useWasmThreads (default 1: the stock single-threaded build). */
  threads?: number;
  /** TumorXAI wasm kernels to swap back to tfjs-backend-wasm's own (for ablations). */
  stock?: string[];
}

/** Multiply-adds of one forward pass per image (convolutions and dense layers). */
export function forwardMacs(model: tfl.LayersModel): number {
  let macs = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind !== 'Conv2D' && kind !== 'Dense') continue;
    const kernel = layer.getWeights()[0]!.shape;
    const out = layer.outputShape as number[];
    const pixels = kind === 'Conv2D' ? out[1]! * out[2]! : 1;
    macs += pixels * kernel.reduce((a, b) => a * b, 1);
  }
  return macs;
}

async function main(config: TrainStepConfig): Promise<void> {
  if (config.backend === 'wasm' && (config.threads ?? 1) > 1) {
    await useWasmThreads({ threads: config.threads });
  }
  // The stock kernels, captured before initBackend registers TumorXAI's.
  const stock = new Map((config.stock ?? []).map((name) => [name, tf.getKernel(name, 'wasm')]));
  await initBackend(config.backend, { logger: null });
  for (const [name, kernel] of stock) {
    tf.unregisterKernel(name, 'wasm');
    if (kernel) tf.registerKernel(kernel);
  }
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const { size, batch } = config;
  const model = createResNet({
    depth: config.depth,
    inputShape: [size, size, 3],
    widthMultiplier: config.width,
    includeTop: true,
    numClasses: 17,
    seed: 1,
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 17);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 17);
  const sgd = tf.train.sgd(0.01);
  const loss = () =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const grads = config.grads === 'lean' ? leanVariableGrads : tf.variableGrads;
  const step = (): number => {
    const { value, grads: g } = grads(loss, vars);
    sgd.applyGradients(g);
    const v = value.dataSync()[0]!;
    tf.dispose([value, g]);
    return v;
  };
  const losses: number[] = [];
  for (let i = 0; i < config.warmup; i++) losses.push(step());
  const tensors = tf.memory().numTensors;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < config.steps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    losses.push(step());
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpuTimes.push((c.user + c.system) / 1e6);
  }
  const heap =
    config.backend === 'wasm'
      ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length
      : null;
  const result = {
    config,
    times,
    cpuTimes,
    losses,
    tensorsDelta: tf.memory().numTensors - tensors,
    wasmThreads: config.backend === 'wasm' ? getThreadsCount() : null,
    forwardMacsPerImage: forwardMacs(model),
    heapMB: heap === null ? null : heap / 2 ** 20,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

const arg = process.argv[2];
if (arg) {
  main(JSON.parse(arg) as TrainStepConfig).catch((error: unknown) => {
    console.log(`ERROR ${JSON.stringify(String(error instanceof Error ? error.message : error))}`);
    process.exit(1);
  });
}
