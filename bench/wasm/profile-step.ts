/**
 * Where the time of one ResNet train step goes on wasm, by kernel:
 *
 *   node --conditions=source --import tsx bench/wasm/profile-step.ts [size] [batch] [depth]
 *
 * Runs `leanVariableGrads` + SGD (as `minimize` does on wasm) under `tf.profile` after one
 * warm-up step and prints the kernels by total time (a composed TumorXAI kernel counts its inner
 * XNNPACK calls under its own name). Wall times on a shared machine: compare rows of one run.
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createResNet } from '@tumorxai/backbone-resnet';
import { initBackend, leanVariableGrads } from '@tumorxai/core';

const [size = 64, batch = 16, depth = 50] = process.argv.slice(2).map(Number);

async function main(): Promise<void> {
  await initBackend('wasm', { logger: null });
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const model = createResNet({
    depth: depth as 50,
    inputShape: [size, size, 3],
    includeTop: true,
    numClasses: 17,
    seed: 1,
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 1);
  const y = tf.oneHot(
    tf.tensor1d(
      [...Array(batch).keys()].map((i) => i % 17),
      'int32',
    ),
    17,
  );
  const sgd = tf.train.sgd(0.01);
  const step = () => {
    const { value, grads } = leanVariableGrads(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      vars,
    );
    sgd.applyGradients(grads);
    value.dataSync();
    tf.dispose([value, grads]);
  };
  step();
  const t0 = performance.now();
  const info = await tf.profile(step);
  const total = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const row = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    row.ms += ms;
    row.calls++;
    byKernel.set(k.name, row);
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((acc, [, r]) => acc + r.ms, 0);
  console.log(`step ${total.toFixed(0)} ms (profiled), kernels ${kernelMs.toFixed(0)} ms`);
  for (const [name, r] of rows.slice(0, 25)) {
    const share = ((100 * r.ms) / kernelMs).toFixed(1);
    console.log(
      `${name.padEnd(28)} ${r.ms.toFixed(1).padStart(8)} ms ${share.padStart(5)} %  ${r.calls} calls`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
