/**
 * Stage `pretrain:<method>`: self-supervised pretraining of a fresh backbone on every training
 * image (labels unused), checkpointed and resumable, ending in `pretrain/<method>/backbone.safetensors`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createResNet } from '@tumorxai/backbone-resnet';
import { pretrain, type Scheduled, tensorBatchSource, warmupCosineLr } from '@tumorxai/core';
import type { ExperimentConfig, MethodName } from '../config/schema.js';
import type { Reporter } from '../run/progress.js';
import type { RunDir } from '../run/run-dir.js';
import type { PreparedData } from './dataset.js';
import { createMethod } from './methods.js';
import { saveModelFile } from './model-file.js';

/** The architecture of every network of a run. */
export function createBackbone(config: ExperimentConfig, seed: number, zeroInitResidual = false) {
  const s = config.data.imageSize;
  return createResNet({
    depth: config.backbone.depth,
    widthMultiplier: config.backbone.widthMultiplier,
    inputShape: [s, s, config.data.channels],
    seed,
    zeroInitResidual,
  });
}

/**
 * Runs every cleanup even when one throws (a crashed wasm heap fails every dispose), so that the
 * error that caused the cleanup is the one reported.
 */
export function freeAll(cleanups: Array<() => void>): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // reported by the error being propagated
    }
  }
}

/** Path of a method's pretrained backbone inside a run. */
export function backbonePath(run: RunDir, method: string): string {
  return run.path('pretrain', method, 'backbone.safetensors');
}

/** Runs stage `pretrain:<method>` (skipped when done). */
export async function pretrainStage(
  run: RunDir,
  config: ExperimentConfig,
  method: MethodName,
  prepared: PreparedData,
  context: { reporter: Reporter; resume: boolean; signal: AbortSignal },
): Promise<void> {
  await run.stage(`pretrain:${method}`, async () => {
    const settings = config.pretrain[method];
    // MoCo v3 builds its ResNet with zero_init_residual=True (spec §0).
    const backbone = createBackbone(config, config.seed, method === 'mocov3');
    const ssl = await createMethod(method, backbone, settings, config.seed);
    const images = tf.gather(prepared.data.images, prepared.split.train.indices) as tf.Tensor4D;
    const { batchSize, epochs } = config.pretrain;
    const source = tensorBatchSource(images, { seed: config.seed });
    const stepsPerEpoch = source.stepsPerEpoch(batchSize);
    const totalSteps = epochs * stepsPerEpoch;
    const schedule: { learningRate?: Scheduled; weightDecay?: Scheduled } = {};
    if (settings.learningRate !== undefined) {
      const lr = warmupCosineLr({
        baseLr: (settings.learningRate * batchSize) / 256,
        warmupSteps: Math.min(settings.warmupEpochs * stepsPerEpoch, totalSteps),
        totalSteps,
      });
      schedule.learningRate = (step) => lr(step);
    }
    if (settings.weightDecay !== undefined) schedule.weightDecay = settings.weightDecay;
    const bar = context.reporter.bar(`pretrain ${method}`, totalSteps);
    try {
      const result = await pretrain(ssl as never, source, {
        epochs,
        batchSize,
        seed: config.seed,
        schedule,
        checkpointDir: run.path('pretrain', method),
        checkpointEvery: config.pretrain.checkpointEvery,
        resume: context.resume,
        signal: context.signal,
        onProgress: (p) => bar.update(p.step, { imagesPerSecond: p.imagesPerSecond, loss: p.loss }),
        onWarning: (w) => context.reporter.log(`  warning: ${w.message}`),
      });
      saveModelFile(backbonePath(run, method), ssl.exportBackbone(), {
        depth: config.backbone.depth,
        widthMultiplier: config.backbone.widthMultiplier,
        inputShape: [config.data.imageSize, config.data.imageSize, config.data.channels],
        numClasses: null,
        classNames: prepared.classNames,
        source: method,
        cropToForeground: config.data.cropToForeground,
      });
      return {
        steps: result.steps,
        resumedFrom: result.resumedFrom,
        epochLosses: result.epochLosses,
        finalLoss: result.finalLoss,
        collapseWarnings: result.collapseWarnings,
      };
    } finally {
      bar.stop();
      freeAll([() => images.dispose(), () => ssl.dispose(), () => backbone.dispose()]);
    }
  });
}
