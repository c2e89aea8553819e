/**
 * `npm run bench -- wasm-train [--torch]`: training throughput of the wasm backend with
 * TumorXAI's training kernels (`initBackend('wasm')` + `leanVariableGrads`).
 *
 * Rows: ResNet-50 at 64×64 batch 16 and 224×224 batch 8 on wasm (and the same 64×64 step with
 * tfjs-core's own backward pass, `tf.variableGrads`); a small ResNet (ResNet-18, width ½, 32×32,
 * batch 16) on cpu and on wasm; with `--torch`, the ResNet-50 steps in PyTorch (Debian's
 * `python3-torch`) on 1 and 2 threads. Ratios are computed between rows of the same run.
 * Install `libopenblas0-pthread` with `python3-torch`: with Debian's default reference BLAS,
 * torch's BLAS paths (1×1 convolutions on one thread, linear layers) run ~15× slower.
 *
 * Every configuration runs in its own process, warms up, then times `--steps=N` steps (default
 * 5; the median is reported). `--ablation` adds ResNet-50 64×64 rows with one TumorXAI kernel
 * at a time swapped back to tfjs-backend-wasm's own; `--kernels` adds a per-kernel comparison
 * (stock vs TumorXAI, CPU ms per call on one ResNet-50 shape each, `bench/wasm/kernels.ts`). GFLOP/s counts 3 × the forward multiply-adds × 2 (the
 * usual forward + input-gradient + filter-gradient convention). Memory: the wasm heap size at
 * the end (it only grows, so it is the peak) and the process's peak RSS. `CPU s/step` is the
 * process's CPU time per step (all threads): on a shared machine it shows what wall time hides.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchRow, type BenchSuite, median } from '../types.js';
import type { TrainStepConfig } from '../wasm/train-step.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let steps = 5;

interface Measured {
  times: number[];
  cpuTimes?: number[];
  losses: number[];
  heapMB?: number | null;
  peakRssMB: number;
  tensorsDelta?: number;
  forwardMacsPerImage?: number;
}

/** Runs a command that prints `RESULT {json}`; returns the JSON or the error it printed. */
function runChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  defaults: NodeJS.ProcessEnv = {},
): Measured | string {
  const out = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...defaults, ...process.env, ...env },
    maxBuffer: 64 * 2 ** 20,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7)) as Measured;
  const lines = `${out.stdout}\n${out.stderr}`
    .split('\n')
    .filter((l) => /Error|Abort|ERROR/.test(l));
  return (lines[0] ?? `exit code ${out.status}`).slice(0, 200);
}

function tfjs(config: Omit<TrainStepConfig, 'warmup' | 'steps'>, warmup = 1) {
  const full: TrainStepConfig = { ...config, warmup, steps };
  return runChild(process.execPath, [
    '--conditions=source',
    '--import',
    'tsx',
    'bench/wasm/train-step.ts',
    JSON.stringify(full),
  ]);
}

function torch(size: number, batch: number, threads: number) {
  const config = { size, batch, threads, warmup: 2, steps };
  return runChild(
    '/usr/bin/python3',
    ['bench/wasm/torch_train.py', JSON.stringify(config)],
    // torch.set_num_threads does not limit OpenBLAS in Debian's build.
    { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  );
}

/** The metrics of one measured configuration. */
function metrics(m: Measured | string, batch: number, macsPerImage: number): BenchRow['metrics'] {
  if (typeof m === 'string') return { error: m };
  const step = median(m.times);
  return {
    'images/s': +(batch / step).toFixed(3),
    'median step s': +step.toFixed(3),
    'min step s': +Math.min(...m.times).toFixed(3),
    'CPU s/step': m.cpuTimes ? +median(m.cpuTimes).toFixed(3) : null,
    'GFLOP/s': +((3 * 2 * macsPerImage * batch) / step / 1e9).toFixed(2),
    'wasm heap MB': m.heapMB == null ? null : Math.round(m.heapMB),
    'peak RSS MB': Math.round(m.peakRssMB),
    'first loss': +m.losses[0]!.toFixed(4),
    'last loss': +m.losses[m.losses.length - 1]!.toFixed(4),
    'tensors delta': m.tensorsDelta ?? null,
  };
}

/**
 * Kernels swapped back to tfjs-backend-wasm's own, one configuration each (`--ablation`). Some
 * also switch a fused gradient rule off (it needs the attributes those kernels record); `Tile`
 * only runs in tfjs-core's own BatchNorm gradient, so it is measured with `tf.variableGrads`.
 */
const ABLATION: Array<{ stock: string[]; grads: 'lean' | 'tfjs' }> = [
  { stock: ['Conv2DBackpropInput'], grads: 'lean' },
  { stock: ['Conv2D', 'FusedConv2D'], grads: 'lean' },
  { stock: ['Identity', 'Cast'], grads: 'lean' },
  { stock: ['Sum', 'Mean'], grads: 'lean' },
  { stock: ['FusedBatchNorm'], grads: 'lean' },
  { stock: ['MaxPoolGrad'], grads: 'lean' },
  { stock: ['Tile'], grads: 'tfjs' },
];

const ratio = (a: BenchRow['metrics'], b: BenchRow['metrics']) =>
  typeof a['images/s'] === 'number' && typeof b['images/s'] === 'number'
    ? +(a['images/s'] / b['images/s']).toFixed(3)
    : null;

export const suite: BenchSuite = {
  name: 'wasm-train',
  description:
    'ResNet train-step throughput and memory: wasm (+ TumorXAI kernels) vs cpu, and vs PyTorch with --torch',
  async run({ flags, log }) {
    const stepsFlag = [...flags].find((f) => f.startsWith('--steps='));
    if (stepsFlag) steps = Math.max(1, Number(stepsFlag.slice(8)));
    const rows: BenchRow[] = [];
    const add = (name: string, m: Measured | string, batch: number, macs: number) => {
      const row = { name, metrics: metrics(m, batch, macs) };
      rows.push(row);
      log(`${name}: ${JSON.stringify(row.metrics)}`);
      return row;
    };
    const macsOf = (m: Measured | string, fallback: number) =>
      typeof m === 'string' ? fallback : (m.forwardMacsPerImage ?? fallback);
    const r50 = { depth: 50, width: 1, backend: 'wasm' } as const;
    const R50_64_MACS = 4.13e9 * (64 / 224) ** 2; // replaced by the counted value when available

    log('ResNet-50 64×64 batch 16, wasm');
    const w64 = tfjs({ ...r50, size: 64, batch: 16, grads: 'lean' });
    const macs64 = macsOf(w64, R50_64_MACS);
    const row64 = add('resnet50 64px b16 wasm (leanVariableGrads)', w64, 16, macs64);
    const t64 = tfjs({ ...r50, size: 64, batch: 16, grads: 'tfjs' });
    const tfjsRow64 = add('resnet50 64px b16 wasm (tf.variableGrads)', t64, 16, macs64);

    const t64x2 = tfjs({ ...r50, size: 64, batch: 16, grads: 'lean', threads: 2 });
    const row64x2 = add('resnet50 64px b16 wasm 2 threads (leanVariableGrads)', t64x2, 16, macs64);

    log('ResNet-50 224×224 batch 8, wasm');
    const w224 = tfjs({ ...r50, size: 224, batch: 8, grads: 'lean' });
    const macs224 = macsOf(w224, macs64 * (224 / 64) ** 2);
    const row224 = add('resnet50 224px b8 wasm (leanVariableGrads)', w224, 8, macs224);
    const w224x2 = tfjs({ ...r50, size: 224, batch: 8, grads: 'lean', threads: 2 });
    const row224x2 = add(
      'resnet50 224px b8 wasm 2 threads (leanVariableGrads)',
      w224x2,
      8,
      macs224,
    );
    const t224 = tfjs({ ...r50, size: 224, batch: 8, grads: 'tfjs' });
    add('resnet50 224px b8 wasm (tf.variableGrads)', t224, 8, macs224);

    log('ResNet-18 width 1/2, 32×32 batch 16: cpu and wasm');
    const small = { depth: 18, width: 0.5, size: 32, batch: 16, grads: 'lean' } as const;
    const sw = tfjs({ ...small, backend: 'wasm' });
    const smallMacs = macsOf(sw, 0);
    const smallWasm = add('resnet18 w0.5 32px b16 wasm (leanVariableGrads)', sw, 16, smallMacs);
    const sc = tfjs({ ...small, backend: 'cpu', grads: 'tfjs' });
    const smallCpu = add('resnet18 w0.5 32px b16 cpu (tf.variableGrads)', sc, 16, smallMacs);
    rows.push({
      name: 'ratio wasm / cpu (resnet18 w0.5 32px b16)',
      metrics: { 'images/s ratio': ratio(smallWasm.metrics, smallCpu.metrics) },
    });

    if (flags.has('--torch')) {
      for (const [size, batch, wasm1, wasm2, macs] of [
        [64, 16, row64, row64x2, macs64],
        [224, 8, row224, row224x2, macs224],
      ] as const) {
        for (const threads of [1, 2]) {
          log(`PyTorch ResNet-50 ${size}×${size} batch ${batch}, ${threads} thread(s)`);
          const measured = torch(size, batch, threads);
          const t = add(`resnet50 ${size}px b${batch} torch ${threads}T`, measured, batch, macs);
          rows.push({
            name: `ratio wasm / torch ${threads}T (resnet50 ${size}px b${batch})`,
            metrics: {
              'wasm 1 thread': ratio(wasm1.metrics, t.metrics),
              'wasm 2 threads': ratio(wasm2.metrics, t.metrics),
            },
          });
        }
      }
    }

    if (flags.has('--kernels')) {
      log('kernels: tfjs-backend-wasm vs TumorXAI');
      const out = spawnSync(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'bench/wasm/kernels.ts'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      const kernelRows = line
        ? (
            JSON.parse(line.slice(7)) as {
              rows: Array<{ name: string; stockMs: number; oursMs: number }>;
            }
          ).rows
        : [];
      for (const k of kernelRows) {
        rows.push({
          name: `kernel: ${k.name}`,
          metrics: {
            'stock CPU ms': +k.stockMs.toFixed(2),
            'TumorXAI CPU ms': +k.oursMs.toFixed(2),
            'speed-up ×': +(k.stockMs / Math.max(k.oursMs, 1e-3)).toFixed(1),
          },
        });
      }
    }

    if (flags.has('--ablation')) {
      for (const { stock, grads } of ABLATION) {
        log(`ablation: stock ${stock.join(' + ')} (${grads})`);
        const m = tfjs({ ...r50, size: 64, batch: 16, grads, stock });
        const name = `resnet50 64px b16 wasm (${grads === 'lean' ? 'leanVariableGrads' : 'tf.variableGrads'}), stock ${stock.join(' + ')}`;
        const row = add(name, m, 16, macs64);
        const base = grads === 'lean' ? row64.metrics : tfjsRow64.metrics;
        const cpu = (r: BenchRow['metrics']) => r['CPU s/step'];
        const [a1, b1] = [cpu(row.metrics), cpu(base)];
        row.metrics['CPU s/step added'] =
          typeof a1 === 'number' && typeof b1 === 'number' ? +(a1 - b1).toFixed(3) : null;
      }
    }
    return rows;
  },
};
