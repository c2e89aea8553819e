/**
 * The whole experiment as resumable stages: data → pretrain each method → evaluate every
 * backbone (linear probe, k-NN, fine-tune × label fractions), random init and the supervised
 * baseline → CAM galleries → report (`results.md`, `results.json`, PNGs).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type BackendPreference, initBackend, useWasmThreads } from '@tumorxai/core';
import {
  type ExperimentResults,
  type ResultRow,
  type WrittenReport,
  writeReport,
} from '@tumorxai/eval';
import type { ExperimentConfig, MethodName } from '../config/schema.js';
import { consoleReporter, type Reporter } from '../run/progress.js';
import { RunDir } from '../run/run-dir.js';
import { type PreparedData, phantomRoot, prepareData } from './dataset.js';
import { evaluateBackbone, evaluateSupervised, savedRows } from './evaluate-stage.js';
import { explainStages } from './explain-stage.js';
import { loadModelFile } from './model-file.js';
import { backbonePath, createBackbone, pretrainStage } from './pretrain-stage.js';

/** Options of {@link runExperiment}. */
export interface ExperimentOptions {
  config: ExperimentConfig;
  /** Dataset folder (class per sub-folder); phantoms from the config when absent. */
  data?: string;
  out: string;
  cacheDir: string;
  backend: BackendPreference;
  resume: boolean;
  quiet: boolean;
  /** The command line, for the run record. */
  command: string;
  /** XNNPACK threads of the wasm backend (1: single-threaded). */
  threads: number;
  /** Which parts to run (default: all). */
  parts?: { pretrain?: boolean; evaluate?: boolean; explain?: boolean };
  /** Evaluate this backbone file (named `name`) instead of the pretrained methods. */
  checkpoint?: { path: string; name: string };
}

const PROTOCOL_ORDER = ['linear-probe', 'knn', 'fine-tune', 'supervised'];

function orderRows(rows: ResultRow[], methods: readonly string[]): ResultRow[] {
  const methodOrder = [...methods, 'random-init', 'supervised'];
  const rank = (list: string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);
  return [...rows].sort(
    (a, b) =>
      rank(PROTOCOL_ORDER, a.protocol) - rank(PROTOCOL_ORDER, b.protocol) ||
      a.labelFraction - b.labelFraction ||
      rank(methodOrder, a.method) - rank(methodOrder, b.method),
  );
}

/** Multi-threaded wasm (XNNPACK) when possible; single-threaded otherwise, with a note why. */
export async function enableWasmThreads(threads: number, reporter: Reporter): Promise<void> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    await useWasmThreads({ threads });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    reporter.log(`wasm threads unavailable, running single-threaded (${reason})`);
  }
}

/** Sets up the backend, the run directory, the data and a SIGINT → abort handler. */
async function start(options: ExperimentOptions, reporter: Reporter) {
  if ((options.backend === 'auto' || options.backend === 'wasm') && options.threads > 1) {
    await enableWasmThreads(options.threads, reporter);
  }
  const backend = await initBackend(options.backend, {
    logger: options.quiet ? null : { info: (m: string) => reporter.log(`backend: ${m}`) },
  });
  reporter.log(`Backend: ${backend}`);
  const root = options.data ?? (await phantomRoot(options.config, options.cacheDir, reporter));
  const run = RunDir.open(options.out, {
    config: options.config,
    data: root,
    backend,
    command: options.command,
    resume: options.resume,
    reporter,
  });
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    reporter.log('Interrupted: stopping after the current step (Ctrl-C again to quit at once).');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  const prepared = await prepareData(run, options.config, root, options.cacheDir, reporter);
  return { backend, run, prepared, controller, stop: () => process.off('SIGINT', onSignal) };
}

/** Runs the experiment; returns the run directory and the written report. */
export async function runExperiment(
  options: ExperimentOptions,
): Promise<{ run: RunDir; report: WrittenReport }> {
  const { config } = options;
  const reporter = consoleReporter({ quiet: options.quiet });
  const loadAtStart = loadavg();
  const began = performance.now();
  const { backend, run, prepared, controller, stop } = await start(options, reporter);
  const parts = { pretrain: true, evaluate: true, explain: true, ...options.parts };
  const context = { reporter, signal: controller.signal, resume: options.resume };
  const methods: string[] = options.checkpoint
    ? [options.checkpoint.name]
    : [...config.pretrain.methods];
  const backbones = Object.fromEntries(
    methods.map((m) => [m, options.checkpoint?.path ?? backbonePath(run, m)]),
  );
  try {
    if (parts.pretrain && !options.checkpoint) {
      for (const method of config.pretrain.methods) {
        await pretrainStage(run, config, method as MethodName, prepared, context);
      }
    }
    if (parts.evaluate) {
      for (const method of methods) {
        const { model } = loadModelFile(backbones[method]!);
        try {
          await evaluateBackbone(run, config, method, model, prepared, context, { fineTune: true });
        } finally {
          model.dispose();
        }
      }
      if (!options.checkpoint) {
        if (config.evaluation.randomInit) {
          const random: tfl.LayersModel = createBackbone(config, config.seed);
          try {
            await evaluateBackbone(run, config, 'random-init', random, prepared, context, {
              fineTune: false,
            });
          } finally {
            random.dispose();
          }
        }
        await evaluateSupervised(run, config, prepared, context);
      }
    }
    const galleries = parts.explain
      ? await explainStages(run, config, backbones, prepared, reporter)
      : [];
    const report = await writeRunReport(run, config, prepared, {
      backend,
      threads: backend === 'wasm' ? options.threads : 1,
      galleries,
      methods,
      loadAtStart,
      seconds: (performance.now() - began) / 1000,
    });
    run.finish();
    reporter.log(`Results: ${report.markdown}`);
    return { run, report };
  } finally {
    stop();
    try {
      prepared.data.images.dispose();
    } catch (error) {
      // Never hide the error that brought us here (e.g. a crashed wasm heap).
      reporter.log(
        `(could not free the dataset: ${error instanceof Error ? error.message : error})`,
      );
    }
  }
}

async function writeRunReport(
  run: RunDir,
  config: ExperimentConfig,
  prepared: PreparedData,
  info: {
    backend: string;
    threads: number;
    galleries: string[];
    methods: string[];
    loadAtStart: number[];
    seconds: number;
  },
): Promise<WrittenReport> {
  const rows = orderRows(savedRows(run), info.methods);
  const stages = Object.fromEntries(
    Object.entries(run.manifest.stages).map(([name, s]) => [name, Number(s.seconds.toFixed(2))]),
  );
  const results: ExperimentResults = {
    format: 'tumorxai-results',
    version: 1,
    title: `TumorXAI — ${config.name}${config.description ? `: ${config.description}` : ''}`,
    createdAt: run.manifest.createdAt,
    classNames: prepared.classNames,
    confidence: config.evaluation.bootstrap.confidence,
    resamples: config.evaluation.bootstrap.resamples,
    rows,
    plots: { extra: info.galleries },
    meta: {
      config: config.name,
      data: prepared.root,
      images: prepared.data.labels.length,
      /** Duplicate / leakage report of the `data` stage (details in data.json). */
      dataset: run.manifest.stages.data?.summary,
      split: {
        train: prepared.split.train.indices.length,
        val: prepared.split.val.indices.length,
        test: prepared.split.test.indices.length,
      },
      backbone: config.backbone,
      imageSize: config.data.imageSize,
      backend: info.backend,
      threads: info.threads,
      seed: config.seed,
      versions: run.manifest.versions,
      machine: {
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
      },
      loadAverageAtStart: info.loadAtStart.map((v) => Number(v.toFixed(2))),
      sessionSeconds: Number(info.seconds.toFixed(1)),
      stageSeconds: stages,
    },
  };
  return writeReport(results, run.dir);
}
