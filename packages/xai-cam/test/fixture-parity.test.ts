/**
 * Parity with pytorch-grad-cam 1.5.5 on the reference fixtures (spec §6): every method's final
 * map (≤ 1e-3 absolute), raw map (≤ 1e-4 relative to max |raw|), low-resolution map (≤ 1e-3)
 * and channel weights (≤ 1e-4 relative), at `layer4` and `layer3` (`model.layerN[-1]` = block
 * `layerN.1`), for argmax and class-5 targets, on the 64×64 and the non-square 64×96 input.
 * EigenCAM-type maps must match `cam` or `cam_flipsign` per image (the SVD sign is arbitrary).
 *
 * Runs on the wasm backend: the grid is ~130 forward/backward passes, which take ~20× longer on
 * the pure-JS cpu backend (`cpu-parity.test.ts` repeats a few cases there). ScoreCAM is in
 * `score-cam.test.ts` (512 forward passes per image).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tumorxai/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BaseCam,
  type CamOptions,
  EigenCam,
  EigenGradCam,
  GradCam,
  GradCamElementWise,
  GradCamPlusPlus,
  HiResCam,
  LayerCam,
  XGradCam,
} from '../src/index.js';
import {
  type CamFixture,
  type FixtureName,
  imageSlice,
  loadCamFixture,
  maxAbs,
  maxAbsDiff,
} from './fixtures.js';

type Ctor = new (model: CamFixture['model'], options: CamOptions) => BaseCam;
const METHODS: Array<[string, Ctor]> = [
  ['gradcam', GradCam],
  ['gradcampp', GradCamPlusPlus],
  ['xgradcam', XGradCam],
  ['layercam', LayerCam],
  ['hirescam', HiResCam],
  ['gradcamelementwise', GradCamElementWise],
  ['eigencam', EigenCam],
  ['eigengradcam', EigenGradCam],
];
const LAYERS = [
  ['layer4', 'layer4.1'],
  ['layer3', 'layer3.1'],
] as const;
const TARGETS = ['argmax', 'class5'] as const;

beforeAll(async () => {
  await initBackend('wasm', { logger: null });
});

/** Per image: `got` matches `expected` or (when given) `flipped` within `atol`. */
function expectPerImage(
  got: Float32Array,
  expected: Float32Array,
  flipped: Float32Array | undefined,
  atol: number,
  label: string,
): void {
  const per = got.length / 2;
  for (let b = 0; b < 2; b++) {
    const g = imageSlice(got, b, per);
    let diff = maxAbsDiff(g, imageSlice(expected, b, per));
    if (flipped) diff = Math.min(diff, maxAbsDiff(g, imageSlice(flipped, b, per)));
    expect(diff, `${label} image ${b}`).toBeLessThanOrEqual(atol);
  }
}

describe.each<FixtureName>(['resnet18', 'resnet18_64x96'])('%s', (name) => {
  let fx: CamFixture;
  beforeAll(() => {
    fx = loadCamFixture(name);
  });
  afterAll(() => fx.dispose());

  describe.each(LAYERS)('%s (block %s)', (layerKey, block) => {
    it.each(TARGETS)('activations and gradients equal the reference (%s)', (target) => {
      const cam = new GradCam(fx.model, { targetLayer: block });
      const details = cam.explainDetailed(fx.input, {
        targets: target === 'class5' ? [5] : undefined,
      });
      const layer = details.layers[0]!;
      const a = fx.nhwc(`${layerKey}/activations`);
      const g = fx.nhwc(`${layerKey}/${target}/grads`);
      const aRef = a.dataSync();
      const gRef = g.dataSync();
      expect(maxAbsDiff(layer.activations.dataSync(), aRef) / maxAbs(aRef)).toBeLessThan(1e-5);
      expect(maxAbsDiff(layer.gradients!.dataSync(), gRef) / maxAbs(gRef)).toBeLessThan(1e-4);
      const expectedTargets = Array.from(
        fx.entries[`${layerKey}/${target}/target_index`]!.data as BigInt64Array,
        Number,
      );
      const outputs = details.outputs!.dataSync();
      const chosen = details.targets!.map((t, b) =>
        tf.tidy(() => t(tf.slice(details.outputs!, b, 1)).dataSync()[0]),
      );
      expectedTargets.forEach((c, b) => {
        expect(chosen[b]).toBe(outputs[b * 17 + c]);
      });
      tf.dispose([details as unknown as tf.TensorContainer, a, g]);
    });

    describe.each(TARGETS)('targets: %s', (target) => {
      const targets = target === 'class5' ? [5] : undefined;
      it.each(METHODS)('%s', (method, Method) => {
        const key = `${layerKey}/${target}/${method}`;
        const cam = new Method(fx.model, { targetLayer: block });
        const details = cam.explainDetailed(fx.input, { targets });
        const layer = details.layers[0]!;
        const eigen = method.startsWith('eigen');
        const flipped = eigen ? fx.values(`${key}/cam_flipsign`) : undefined;
        expectPerImage(
          details.cam.dataSync() as Float32Array,
          fx.values(`${key}/cam`),
          flipped,
          1e-3,
          `${key}/cam`,
        );
        const raw = fx.values(`${key}/cam_raw`);
        const rawTol = 1e-4 * maxAbs(raw);
        expectPerImage(
          layer.raw.dataSync() as Float32Array,
          raw,
          eigen ? raw.map((v) => -v) : undefined,
          rawTol,
          `${key}/cam_raw`,
        );
        if (!eigen) {
          const lowRes = fx.values(`${key}/cam_lowres`);
          expect(
            maxAbsDiff(layer.lowRes.dataSync(), lowRes),
            `${key}/cam_lowres`,
          ).toBeLessThanOrEqual(1e-3);
        }
        if (fx.entries[`${key}/weights`]) {
          const w = fx.values(`${key}/weights`);
          expect(
            maxAbsDiff(layer.weights!.dataSync(), w) / maxAbs(w),
            `${key}/weights`,
          ).toBeLessThan(1e-4);
        }
        if (method === 'gradcampp') {
          // explain() returns the same map as explainDetailed().
          const plain = cam.explain(fx.input, { targets });
          expect(maxAbsDiff(plain.dataSync(), details.cam.dataSync())).toBe(0);
          plain.dispose();
        }
        tf.dispose(details as unknown as tf.TensorContainer);
      });

      it('gradcam_eigensmooth', () => {
        const key = `${layerKey}/${target}/gradcam_eigensmooth`;
        const details = new GradCam(fx.model, { targetLayer: block }).explainDetailed(fx.input, {
          targets,
          eigenSmooth: true,
        });
        expectPerImage(
          details.cam.dataSync() as Float32Array,
          fx.values(`${key}/cam`),
          fx.values(`${key}/cam_flipsign`),
          1e-3,
          key,
        );
        const w = fx.values(`${key}/weights`);
        expect(maxAbsDiff(details.layers[0]!.weights!.dataSync(), w) / maxAbs(w)).toBeLessThan(
          1e-4,
        );
        tf.dispose(details as unknown as tf.TensorContainer);
      });

      it('gradcam_augsmooth (6 augmentations, not renormalised)', () => {
        const key = `${layerKey}/${target}/gradcam_augsmooth`;
        const map = new GradCam(fx.model, { targetLayer: block }).explain(fx.input, {
          targets,
          augSmooth: true,
        });
        expect(maxAbsDiff(map.dataSync(), fx.values(`${key}/cam`))).toBeLessThanOrEqual(1e-3);
        map.dispose();
      });
    });
  });
});

describe('the all-zero map', () => {
  it('resnet18 layer3 class 5 Grad-CAM, image 0: every channel weight pushes the map below 0, so the map is exactly 0', () => {
    const fx = loadCamFixture('resnet18');
    const details = new GradCam(fx.model, { targetLayer: 'layer3.1' }).explainDetailed(fx.input, {
      targets: [5],
    });
    const per = 64 * 64;
    const cam = details.cam.dataSync() as Float32Array;
    const raw = details.layers[0]!.raw.dataSync() as Float32Array;
    expect(Math.max(...imageSlice(raw, 0, 16))).toBeLessThanOrEqual(0);
    expect(imageSlice(cam, 0, per).every((v) => v === 0)).toBe(true);
    expect(
      fx
        .values('layer3/class5/gradcam/cam')
        .subarray(0, per)
        .every((v) => v === 0),
    ).toBe(true);
    expect(Math.max(...imageSlice(cam, 1, per))).toBeGreaterThan(0.999);
    tf.dispose(details as unknown as tf.TensorContainer);
    fx.dispose();
  });
});
