import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, createRng, ShapeError } from '@tumorxai/core';
import { expectNoTensorLeak } from '@tumorxai/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compose,
  horizontalFlip,
  makeViews,
  multiCrop,
  randomApply,
  randomResizedCrop,
  resizeImage,
  sampleCropBox,
  solarize,
} from '../src/index.js';

const rand = (shape: [number, number, number, number], seed: number) => {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.next()),
    shape,
  ) as tf.Tensor4D;
};
const images = rand([6, 20, 24, 1], 1);
afterAll(() => images.dispose());

/** Bilinear sampling with half-pixel centres and edge clamping (torchvision antialias=False). */
function bilinearReference(
  img: Float32Array,
  h: number,
  w: number,
  box: { x: number; y: number; width: number; height: number },
  out: number,
) {
  const res = new Float32Array(out * out);
  const at = (y: number, x: number) =>
    img[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  for (let i = 0; i < out; i++) {
    const sy = Math.max(0, box.y + ((i + 0.5) * box.height) / out - 0.5);
    for (let j = 0; j < out; j++) {
      const sx = Math.max(0, box.x + ((j + 0.5) * box.width) / out - 0.5);
      const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
      const [fy, fx] = [sy - y0, sx - x0];
      res[i * out + j] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
        fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return res;
}

describe('randomResizedCrop', () => {
  it('samples boxes inside the image with area and ratio in range (torchvision get_params)', () => {
    const rng = createRng(3);
    for (let k = 0; k < 500; k++) {
      const b = sampleCropBox(100, 80, [0.2, 0.9], [0.75, 4 / 3], rng);
      expect(b.x >= 0 && b.y >= 0 && b.x + b.width <= 80 && b.y + b.height <= 100).toBe(true);
      const area = (b.width * b.height) / 8000;
      expect(area).toBeGreaterThan(0.18);
      expect(area).toBeLessThan(0.93);
      expect(b.width / b.height).toBeGreaterThan(0.7);
      expect(b.width / b.height).toBeLessThan(1.43);
    }
    // Impossible ratio → centre crop with the ratio clamped.
    expect(sampleCropBox(100, 10, [0.9, 1], [1, 1], createRng(0))).toEqual({
      x: 0,
      y: 45,
      width: 10,
      height: 10,
    });
  });

  it('matches a half-pixel bilinear reference and Pillow-style bicubic on the sampled boxes', () => {
    const size = 16;
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const op = randomResizedCrop({ size, scale: [0.1, 1], interpolation });
      const out = op(images, createRng(11));
      expect(out.shape).toEqual([6, size, size, 1]);
      const rng = createRng(11);
      const src = images.dataSync() as Float32Array;
      const got = out.dataSync();
      for (let i = 0; i < 6; i++) {
        const box = sampleCropBox(20, 24, [0.1, 1], [3 / 4, 4 / 3], rng);
        const plane = src.subarray(i * 480, (i + 1) * 480);
        const ref =
          interpolation === 'bilinear'
            ? bilinearReference(plane, 20, 24, box, size)
            : resizeImage(
                { data: Float32Array.from(plane), width: 24, height: 20 },
                {
                  width: size,
                  height: size,
                  interpolation: 'bicubic',
                  box,
                },
              ).data;
        for (let k = 0; k < size * size; k++)
          expect(got[i * size * size + k]).toBeCloseTo(ref[k]!, 4);
      }
      out.dispose();
    }
  });

  it('is the identity for a full-image crop at the same size, for 1 and 3 channels', () => {
    const square = rand([2, 12, 12, 3], 4);
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const out = randomResizedCrop({ size: 12, scale: [1, 1], ratio: [1, 1], interpolation })(
        square,
        createRng(0),
      );
      const a = out.dataSync();
      const b = square.dataSync();
      for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k]!, 5);
      out.dispose();
    }
    square.dispose();
  });

  it('is deterministic for a seed, varies across images, and validates options', async () => {
    const op = randomResizedCrop({ size: [8, 10] });
    const a = op(images, createRng(5));
    const b = op(images, createRng(5));
    const c = op(images, createRng(6));
    expect(a.shape).toEqual([6, 8, 10, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
    expect(() => randomResizedCrop({ size: 8, scale: [0.5, 0.1] })).toThrow(ConfigError);
    expect(() => randomResizedCrop({ size: 8, interpolation: 'nearest' as never })).toThrow(
      /bicubic/,
    );
    expect(() =>
      randomResizedCrop({ size: 8 })(tf.zeros([2, 4, 4]) as never, createRng(0)),
    ).toThrow(ShapeError);
    await expectNoTensorLeak(() =>
      randomResizedCrop({ size: 8, interpolation: 'bicubic' })(images, createRng(1)),
    );
    await expectNoTensorLeak(() => randomResizedCrop({ size: 8 })(images, createRng(1)));
  });
});

describe('horizontalFlip and solarize', () => {
  it('flips exactly the chosen images', async () => {
    const all = horizontalFlip({ p: 1 })(images, createRng(0));
    const reversed = tf.reverse(images, 2);
    expect(Array.from(all.dataSync())).toEqual(Array.from(reversed.dataSync()));
    const none = horizontalFlip({ p: 0 })(images, createRng(0));
    expect(Array.from(none.dataSync())).toEqual(Array.from(images.dataSync()));
    const many = rand([200, 2, 3, 1], 8);
    const half = horizontalFlip()(many, createRng(1));
    const [x, y] = [many.dataSync(), half.dataSync()];
    let flipped = 0;
    for (let i = 0; i < 200; i++) if (x[i * 6] !== y[i * 6]) flipped++;
    expect(flipped).toBeGreaterThan(70);
    expect(flipped).toBeLessThan(130);
    tf.dispose([all, reversed, none, many, half]);
    await expectNoTensorLeak(() => horizontalFlip()(images, createRng(2)));
  });

  it('solarises x >= threshold to 1 − x', async () => {
    const x = tf.tensor4d([0.1, 0.49, 0.5, 0.9], [1, 2, 2, 1]);
    const y = solarize()(x, createRng(0));
    expect(Array.from(y.dataSync())).toEqual(
      [0.1, 0.49, 0.5, 1 - Math.fround(0.9)].map(Math.fround),
    );
    const z = solarize({ p: 0 })(x, createRng(0));
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y, z]);
    expect(() => solarize({ p: 2 })).toThrow(ConfigError);
    await expectNoTensorLeak(() => solarize({ p: 0.5 })(images, createRng(2)));
  });
});

describe('compose, randomApply, makeViews, multiCrop', () => {
  it('forks one generator per op so appending an op keeps the earlier randomness', () => {
    const crop = randomResizedCrop({ size: 8 });
    const a = compose([crop])(images, createRng(3));
    const b = compose([crop, horizontalFlip({ p: 0 })])(images, createRng(3));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('applies randomApply per image and rejects size-changing partial ops', async () => {
    const many = rand([100, 2, 2, 1], 2);
    const out = randomApply(solarize({ threshold: 0 }), 0.3)(many, createRng(4));
    const [x, y] = [many.dataSync(), out.dataSync()];
    let changed = 0;
    for (let i = 0; i < 100; i++) if (x[i * 4] !== y[i * 4]) changed++;
    expect(changed).toBeGreaterThan(15);
    expect(changed).toBeLessThan(45);
    tf.dispose([many, out]);
    expect(() => randomApply(randomResizedCrop({ size: 4 }), 0.5)(images, createRng(0))).toThrow(
      /keep H, W and C/,
    );
    await expectNoTensorLeak(() =>
      randomApply(horizontalFlip({ p: 1 }), 0.5)(images, createRng(0)),
    );
  });

  it('makes independent views and multi-crops with per-view transforms', async () => {
    const views = makeViews([horizontalFlip({ p: 1 }), horizontalFlip({ p: 0 })])(
      images,
      createRng(0),
    );
    expect(views).toHaveLength(2);
    tf.dispose(views);
    const zero = (x: tf.Tensor4D) => tf.mul(x, 0) as tf.Tensor4D;
    const crops = multiCrop({
      global: { count: 2, size: 12, scale: [0.4, 1], transforms: [horizontalFlip(), zero] },
      local: { count: 3, size: 6, scale: [0.05, 0.4] },
    })(images, createRng(1));
    expect(crops.map((c) => c.shape)).toEqual([
      [6, 12, 12, 1],
      [6, 12, 12, 1],
      [6, 6, 6, 1],
      [6, 6, 6, 1],
      [6, 6, 6, 1],
    ]);
    expect(Math.max(...crops[1]!.dataSync())).toBe(0);
    expect(Math.max(...crops[0]!.dataSync())).toBeGreaterThan(0);
    tf.dispose(crops);
    expect(() =>
      multiCrop({
        global: { count: 0, size: 8, scale: [0.5, 1] },
        local: { count: 0, size: 4, scale: [0.1, 0.5] },
      }),
    ).toThrow(/no crops/);
    await expectNoTensorLeak(() =>
      multiCrop({
        global: { count: 2, size: 8, scale: [0.4, 1] },
        local: { count: 2, size: 4, scale: [0.05, 0.4] },
      })(images, createRng(0)),
    );
  });
});
