/**
 * Score-CAM (pytorch-grad-cam `score_cam.py`, spec §2.9).
 *
 * [0] Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
 *     Networks", CVPR Workshops 2020, https://arxiv.org/abs/1910.01279
 */

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { AbortError, ConfigError } from '@tumorxai/core';
import { BaseCam } from '../base-cam.js';
import type { CamContext, CamOptions } from '../cam-types.js';
import { resizeLinear } from '../internal/resize.js';
import { scoreTargets } from '../internal/resolve-targets.js';
import { spatialAxes } from '../internal/spatial.js';

/** Options of {@link ScoreCam}. */
export interface ScoreCamOptions extends CamOptions {
  /** Masked images per forward pass (default 16, as pytorch-grad-cam; raise it on a GPU). */
  batchSize?: number;
  /** Called after every forward pass with the masked images done so far and the total (N·K). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between forward passes with an `AbortError` (`E_ABORTED`) once aborted. */
  signal?: AbortSignal;
}

/**
 * Score-CAM: no gradients. Each activation channel `A_k`, upsampled to the input size
 * (bilinear, align-corners) and min-max scaled to [0, 1] (eps 1e-8), masks the input; the
 * target's score on the masked input is `s_k`, and `w = softmax_k(s)`, `raw = Σ_k w_k A_k`.
 * K forward passes per image (512 for ResNet-18's last layer, 2048 for ResNet-50's), in
 * batches of `batchSize`; `explain` blocks until done.
 *
 * Porting note: the masks use align-corners upsampling (torch `UpsamplingBilinear2d`) while the
 * final map uses half-pixel centres (cv2) — both as in pytorch-grad-cam.
 *
 * @throws {ConfigError} on a `batchSize` that is not a positive integer.
 * @throws {AbortError} from `explain` when `signal` is aborted.
 * @example
 * ```ts
 * const cam = new ScoreCam(model, { targetLayer: 'layer4.1', batchSize: 64,
 *   onProgress: (done, total) => console.log(`${done}/${total}`) });
 * const maps = cam.explain(images, { targets: [5] });
 * ```
 */
export class ScoreCam extends BaseCam {
  protected override readonly usesGradients = false;
  private readonly batchSize: number;
  private readonly onProgress?: ScoreCamOptions['onProgress'];
  private readonly signal?: AbortSignal;

  constructor(model: tfl.LayersModel, options: ScoreCamOptions) {
    super(model, options);
    const batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError({
        fn: 'ScoreCam',
        problem: 'batchSize must be a positive integer',
        got: batchSize,
      });
    }
    this.batchSize = batchSize;
    this.onProgress = options.onProgress;
    this.signal = options.signal;
  }

  protected override channelWeights({
    images,
    activations,
    targets,
    split,
  }: CamContext): tf.Tensor {
    const [n] = activations.shape as [number];
    const k = activations.shape.at(-1)!;
    const size = images.shape.slice(1, -1);
    const axes = spatialAxes(activations);
    const scores = new Float32Array(n * k);
    for (let b = 0; b < n; b++) {
      for (let start = 0; start < k; start += this.batchSize) {
        if (this.signal?.aborted) {
          throw new AbortError({ fn: 'ScoreCam.explain', problem: 'aborted by the signal' });
        }
        const count = Math.min(this.batchSize, k - start);
        const chunk = tf.tidy(() => {
          const begin = [b, ...axes.map(() => 0), start];
          const a = tf.slice(activations, begin, [1, ...axes.map(() => -1), count]);
          const up = resizeLinear(a, size, 'alignCorners'); // [1, ...S, count]
          const low = tf.min(up, axes, true);
          const range = tf.sub(tf.max(up, axes, true), low);
          const scaled = tf.div(tf.sub(up, low), tf.add(range, 1e-8));
          const masks = tf.transpose(scaled, [up.rank - 1, ...axes, 0]); // [count, ...S, 1]
          const masked = tf.mul(tf.slice(images, b, 1), masks); // [count, ...S, C]
          return scoreTargets('ScoreCam.explain', [targets![b]!], split.forward(masked));
        });
        scores.set(chunk.dataSync(), b * k + start);
        chunk.dispose();
        this.onProgress?.(b * k + start + count, n * k);
      }
    }
    return tf.softmax(tf.tensor2d(scores, [n, k]), -1);
  }
}
