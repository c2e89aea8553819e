/**
 * Test helpers: a tiny convolutional backbone that accepts any image size (global average
 * pooling), and fixed multi-crop views (random images come from `@tumorxai/core/testing`).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Images [N, h, w, 1] of any size → 8-d features (conv → BN → ReLU → conv → ReLU → GAP). */
export function tinyBackbone(seed = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, 1] });
  let x = tfl.layers
    .conv2d({
      filters: 6,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .batchNormalization({ epsilon: 1e-5, momentum: 0.9 })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'tiny_backbone' });
}

/** Two global 8-px and `locals` 4-px views of a batch of 8-px images, seeded. */
export function fixedViews(images: tf.Tensor4D, locals = 2, seed = 5): tf.Tensor4D[] {
  return tf.tidy(() => {
    const n = images.shape[0];
    const global = [0, 1].map(
      (k) =>
        tf.add(images, tf.randomNormal(images.shape, 0, 0.1, 'float32', seed + k)) as tf.Tensor4D,
    );
    const local = Array.from({ length: locals }, (_, k) =>
      tf.image.resizeBilinear(
        tf.slice(images, [0, k % 2, (k + 1) % 2, 0], [n, 6, 6, 1]) as tf.Tensor4D,
        [4, 4],
      ),
    );
    return [...global, ...local];
  });
}
