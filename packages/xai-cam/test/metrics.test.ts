/**
 * Faithfulness metrics against `metrics.safetensors` (pytorch-grad-cam `metrics/`, spec §5), with
 * the reference Grad-CAM / Grad-CAM++ maps at layer4 and argmax targets as inputs. The noise-free
 * ROAD scores and imputed images are compared at float32 precision; the library defaults add
 * torch-RNG noise, which is compared by its size only. wasm backend (~40 ResNet-18 forwards).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, entryToTensor, initBackend, ShapeError } from '@tumorxai/core';
import { loadSafetensorsFixture } from '@tumorxai/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  camMultConfidenceChange,
  camMultImage,
  dropInConfidence,
  increaseInConfidence,
  noisyLinearImputation,
  roadCombined,
  roadLeastRelevantFirst,
  roadMostRelevantFirst,
  roadPerturb,
} from '../src/index.js';
import { type CamFixture, loadCamFixture, maxAbsDiff } from './fixtures.js';

const { entries } = loadSafetensorsFixture('resnet-cam/resnet18/metrics.safetensors');
const values = (key: string) => entries[key]!.data as Float32Array;
const nhwc = (key: string) =>
  tf.tidy(() => tf.transpose(entryToTensor(key, entries[key]!), [0, 2, 3, 1]));
const targets = Array.from(entries.target_index!.data as BigInt64Array, Number); // [3, 10]

let fx: CamFixture;
beforeAll(async () => {
  await initBackend('wasm', { logger: null });
  fx = loadCamFixture('resnet18');
});
afterAll(() => fx.dispose());

describe.each(['gradcam', 'gradcampp'])('%s maps', (method) => {
  let cams: tf.Tensor;
  beforeAll(() => {
    cams = entryToTensor('cams', entries[`cams_${method}`]!);
  });
  afterAll(() => cams.dispose());

  it('CamMult: confidence change, drop and increase', () => {
    const perturbed = camMultImage(fx.input, cams);
    const expected = nhwc(`${method}/CamMultImage_perturbed`);
    expect(maxAbsDiff(perturbed.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
    const options = { targets };
    expect(
      maxAbsDiff(
        camMultConfidenceChange(fx.model, fx.input, cams, options),
        values(`${method}/CamMultImageConfidenceChange`),
      ),
    ).toBeLessThan(1e-4);
    expect(
      maxAbsDiff(
        dropInConfidence(fx.model, fx.input, cams, options),
        values(`${method}/DropInConfidence`),
      ),
    ).toBeLessThan(1e-4);
    expect(Array.from(increaseInConfidence(fx.model, fx.input, cams))).toEqual(
      Array.from(values(`${method}/IncreaseInConfidence`)),
    );
    tf.dispose([perturbed, expected]);
  });

  describe.each([
    ['MoRF', 'mostRelevantFirst', roadMostRelevantFirst],
    ['LeRF', 'leastRelevantFirst', roadLeastRelevantFirst],
  ] as const)('ROAD %s without noise', (short, order, metric) => {
    it.each([20, 50, 80])('percentile %i: imputed images and score', (percentile) => {
      const key = `${method}/ROAD_${short}_noise0_p${percentile}`;
      const perturbed = roadPerturb(fx.input, cams, { order, percentile, noise: 0 });
      const expected = nhwc(`${key}_perturbed`);
      expect(maxAbsDiff(perturbed.dataSync(), expected.dataSync())).toBeLessThan(1e-6);
      const score = metric(fx.model, fx.input, cams, { targets, percentile, noise: 0 });
      expect(maxAbsDiff(score, values(key))).toBeLessThan(1e-4);
      tf.dispose([perturbed, expected]);
    });
  });

  it('ROAD with the default noise (0.01) stays within the noise’s effect of the library’s values', () => {
    // Upstream draws the noise from torch's RNG, so only its size can be compared: on these
    // fixtures the noisy and noise-free upstream scores differ by up to 0.01.
    const morf = roadMostRelevantFirst(fx.model, fx.input, cams, { targets });
    const lerf = roadLeastRelevantFirst(fx.model, fx.input, cams, { targets, rng: createRng(1) });
    const combined = roadCombined(fx.model, fx.input, cams, {
      targets,
      percentiles: [20, 40, 60, 80],
    });
    expect(maxAbsDiff(morf, values(`${method}/ROADMostRelevantFirst_p80_default`))).toBeLessThan(
      0.03,
    );
    expect(maxAbsDiff(lerf, values(`${method}/ROADLeastRelevantFirst_p20_default`))).toBeLessThan(
      0.03,
    );
    expect(maxAbsDiff(combined, values(`${method}/ROADCombined_20_40_60_80_default`))).toBeLessThan(
      0.03,
    );
  });
});

describe('noisyLinearImputation', () => {
  it('adds N(0, noise²) to imputed pixels only, reproducibly from the rng', () => {
    const image = tf.tidy(() => tf.squeeze(tf.slice(fx.input, 0, 1), [0]));
    const keep = tf.tidy(() =>
      tf.cast(tf.greater(tf.randomUniform([64, 64], 0, 1, 'float32', 3), 0.3), 'float32'),
    );
    const clean = noisyLinearImputation(image, keep, { noise: 0 });
    const noisy = noisyLinearImputation(image, keep, { noise: 0.05, rng: createRng(7) });
    const again = noisyLinearImputation(image, keep, { noise: 0.05, rng: createRng(7) });
    expect(maxAbsDiff(noisy.dataSync(), again.dataSync())).toBe(0);
    const k = keep.dataSync();
    const c = clean.dataSync();
    const n = noisy.dataSync();
    const x = image.dataSync();
    let sum = 0;
    let sq = 0;
    let count = 0;
    for (let i = 0; i < c.length; i++) {
      if (k[Math.floor(i / 3)]! > 0.5) {
        expect(n[i]).toBe(x[i]);
        expect(c[i]).toBe(x[i]);
      } else {
        const d = n[i]! - c[i]!;
        sum += d;
        sq += d * d;
        count++;
      }
    }
    const std = Math.sqrt(sq / count - (sum / count) ** 2);
    expect(count).toBeGreaterThan(3000);
    expect(std).toBeGreaterThan(0.045);
    expect(std).toBeLessThan(0.055);
    expect(Math.abs(sum / count)).toBeLessThan(0.005);
    // Each imputed pixel is the weighted mean of its neighbours (the system's equations).
    const at = (y: number, xx: number, ch: number) => c[(y * 64 + xx) * 3 + ch]!;
    let worst = 0;
    for (let y = 1; y < 63; y++) {
      for (let xx = 1; xx < 63; xx++) {
        if (k[y * 64 + xx]! > 0.5) continue;
        const edge = at(y - 1, xx, 0) + at(y + 1, xx, 0) + at(y, xx - 1, 0) + at(y, xx + 1, 0);
        const diag =
          at(y - 1, xx - 1, 0) + at(y - 1, xx + 1, 0) + at(y + 1, xx - 1, 0) + at(y + 1, xx + 1, 0);
        worst = Math.max(worst, Math.abs(at(y, xx, 0) - (edge / 6 + diag / 12)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([image, keep, clean, noisy, again]);
  });

  it('rejects mismatched shapes and wrong target counts', () => {
    expect(() => noisyLinearImputation(tf.zeros([4, 4, 3]), tf.ones([4, 5]))).toThrow(ShapeError);
    expect(() => camMultConfidenceChange(fx.model, fx.input, tf.zeros([2, 32, 32]))).toThrow(
      ShapeError,
    );
    expect(() =>
      roadMostRelevantFirst(fx.model, fx.input, tf.zeros([2, 64, 64]), { targets: [1, 2, 3] }),
    ).toThrow(ShapeError);
  });
});
