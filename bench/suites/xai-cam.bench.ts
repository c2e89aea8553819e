/**
 * `npm run bench -- xai-cam`: milliseconds per image of the CAM explainers of `@tumorxai/xai-cam`
 * on a ResNet-50 (torchvision layout, 17 classes, random weights) at 224×224 on the wasm backend,
 * target layer `layer4.2` (`model.layer4[-1]`), default (argmax) targets.
 *
 * Rows: Grad-CAM, Grad-CAM++ and EigenCAM at batch 1 and 4 (median of 3 timed calls after one
 * warm-up); Score-CAM, which needs 2048 masked forward passes per image: it is started, timed
 * chunk by chunk through `onProgress`, aborted after 4 timed chunks of 16 (after one warm-up
 * chunk) and EXTRAPOLATED to all 2048 channels — the row says so. Benchmarks measure; they never assert.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resnet50 } from '@tumorxai/backbone-resnet';
import { AbortError, initBackend } from '@tumorxai/core';
import {
  type BaseCam,
  type CamOptions,
  EigenCam,
  GradCam,
  GradCamPlusPlus,
  ScoreCam,
} from '@tumorxai/xai-cam';
import { type BenchRow, type BenchSuite, median } from '../types.js';

const SIZE = 224;
const LAYER = 'layer4.2';
const SCORECAM_BATCH = 16;
/** Steady-state Score-CAM chunks timed after the warm-up chunk. */
const SCORECAM_TIMED_CHUNKS = 4;

function timeExplain(cam: BaseCam, images: tf.Tensor, repeats: number): number {
  cam.explain(images).dispose();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const maps = cam.explain(images);
    maps.dataSync();
    times.push(performance.now() - start);
    maps.dispose();
  }
  return median(times);
}

function scoreCamRow(
  model: ReturnType<typeof resnet50>,
  chunks: number,
  log: (m: string) => void,
): BenchRow {
  const image = tf.randomNormal([1, SIZE, SIZE, 3], 0, 1, 'float32', 2);
  const controller = new AbortController();
  const marks: number[] = [];
  const cam = new ScoreCam(model, {
    targetLayer: LAYER,
    batchSize: SCORECAM_BATCH,
    signal: controller.signal,
    onProgress: (done) => {
      marks.push(performance.now());
      log(`  Score-CAM: ${done} masked forwards`);
      if (marks.length >= chunks + 1) controller.abort();
    },
  });
  const start = performance.now();
  try {
    cam.explain(image).dispose();
  } catch (error) {
    if (!(error instanceof AbortError)) throw error;
  }
  image.dispose();
  // marks[0]: head + tail forward (default target) + the first chunk (warm-up);
  // the following intervals are steady-state chunks of SCORECAM_BATCH masked forwards.
  const intervals = marks.slice(1).map((t, i) => t - marks[i]!);
  const perChunk = median(intervals);
  const channels = 2048;
  const totalChunks = Math.ceil(channels / SCORECAM_BATCH);
  const beforeFirst = marks[0]! - start - perChunk;
  const extrapolated = beforeFirst + totalChunks * perChunk;
  return {
    name: `resnet50 ${SIZE}px b1 Score-CAM ${LAYER} (wasm) — EXTRAPOLATED from ${intervals.length}×${SCORECAM_BATCH} of ${channels} channels`,
    metrics: {
      'ms/image': Math.round(extrapolated),
      'ms/masked forward': Number((perChunk / SCORECAM_BATCH).toFixed(1)),
      'measured masked forwards': intervals.length * SCORECAM_BATCH,
      'ms before masking (forward + first chunk)': Math.round(marks[0]! - start),
    },
  };
}

export const suite: BenchSuite = {
  name: 'xai-cam',
  description: `CAM explainers on ResNet-50 at ${SIZE} px, wasm backend (ms per image)`,
  async run({ log }) {
    await initBackend('wasm', { logger: null });
    const model = resnet50({
      inputShape: [SIZE, SIZE, 3],
      includeTop: true,
      numClasses: 17,
      seed: 0,
    });
    const rows: BenchRow[] = [];
    const methods: Array<[string, new (m: typeof model, o: CamOptions) => BaseCam]> = [
      ['Grad-CAM', GradCam],
      ['Grad-CAM++', GradCamPlusPlus],
      ['EigenCAM', EigenCam],
    ];
    const forward = (batch: number) => {
      const x = tf.randomNormal([batch, SIZE, SIZE, 3], 0, 1, 'float32', 1);
      (model.predict(x) as tf.Tensor).dispose();
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        const y = model.predict(x) as tf.Tensor;
        y.dataSync();
        times.push(performance.now() - start);
        y.dispose();
      }
      x.dispose();
      return median(times);
    };
    for (const batch of [1, 4]) {
      const fwd = forward(batch);
      rows.push({
        name: `resnet50 ${SIZE}px b${batch} forward only (wasm), for reference`,
        metrics: { 'ms/image': Math.round(fwd / batch) },
      });
      const images = tf.randomNormal([batch, SIZE, SIZE, 3], 0, 1, 'float32', 1);
      for (const [label, Method] of methods) {
        log(`${label}, batch ${batch}`);
        const cam = new Method(model, { targetLayer: LAYER });
        const ms = timeExplain(cam, images, 3);
        cam.dispose();
        rows.push({
          name: `resnet50 ${SIZE}px b${batch} ${label} ${LAYER} (wasm)`,
          metrics: {
            'ms/image': Math.round(ms / batch),
            'x forward': Number((ms / fwd).toFixed(2)),
          },
        });
      }
      images.dispose();
    }
    rows.push(scoreCamRow(model, SCORECAM_TIMED_CHUNKS, log));
    model.dispose();
    return rows;
  },
};
