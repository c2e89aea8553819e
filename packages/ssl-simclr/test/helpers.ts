/**
 * Test helpers: a tiny conv-free backbone for fast unit tests.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Images [N, side, side, 1] → 16-d features (flatten → dense → BN → ReLU). */
export function tinyBackbone(side = 8, seed = 1): tfl.LayersModel {
  const input = tfl.input({ shape: [side, side, 1] });
  let x = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
  x = tfl.layers
    .dense({
      units: 16,
      useBias: false,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .batchNormalization({ epsilon: 1e-5, momentum: 0.9 })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.reLU().apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: x, name: 'tiny_backbone' });
}

/** Smooth random images in [0, 1]. */
export function randomImages(n: number, side = 8, seed = 3): tf.Tensor4D {
  return tf.tidy(() => tf.randomUniform([n, side, side, 1], 0, 1, 'float32', seed) as tf.Tensor4D);
}
