/**
 * The fixture checks that matter most, on the pure-JS cpu backend (the full grid runs on wasm in
 * `fixture-parity.test.ts`): Grad-CAM at layer3 (gradients through layer4, the all-zero image),
 * Grad-CAM++ at layer4 on the non-square input, EigenCAM at the near-degenerate layer3.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { EigenCam, GradCam, GradCamPlusPlus } from '../src/index.js';
import { imageSlice, loadCamFixture, maxAbsDiff } from './fixtures.js';

describe('cpu backend parity', () => {
  it('runs on cpu', () => {
    expect(tf.getBackend()).toBe('cpu');
  });

  it('resnet18: Grad-CAM layer3 class 5 and EigenCAM layer3 (σ₁ ≈ σ₂ for image 0)', () => {
    const fx = loadCamFixture('resnet18');
    const grad = new GradCam(fx.model, { targetLayer: 'layer3.1' }).explain(fx.input, {
      targets: [5],
    });
    expect(maxAbsDiff(grad.dataSync(), fx.values('layer3/class5/gradcam/cam'))).toBeLessThanOrEqual(
      1e-3,
    );
    const eigen = new EigenCam(fx.model, { targetLayer: 'layer3.1' }).explain(fx.input);
    const got = eigen.dataSync() as Float32Array;
    const cam = fx.values('layer3/argmax/eigencam/cam');
    const flipped = fx.values('layer3/argmax/eigencam/cam_flipsign');
    for (let b = 0; b < 2; b++) {
      const g = imageSlice(got, b, 4096);
      const best = Math.min(
        maxAbsDiff(g, imageSlice(cam, b, 4096)),
        maxAbsDiff(g, imageSlice(flipped, b, 4096)),
      );
      expect(best).toBeLessThanOrEqual(1e-3);
    }
    tf.dispose([grad, eigen]);
    fx.dispose();
  });

  it('resnet18_64x96: Grad-CAM++ layer4 argmax', () => {
    const fx = loadCamFixture('resnet18_64x96');
    const map = new GradCamPlusPlus(fx.model, { targetLayer: 'layer4.1' }).explain(fx.input);
    expect(
      maxAbsDiff(map.dataSync(), fx.values('layer4/argmax/gradcampp/cam')),
    ).toBeLessThanOrEqual(1e-3);
    map.dispose();
    fx.dispose();
  });
});
