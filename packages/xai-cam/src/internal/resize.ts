/**
 * Linear resizing of CAMs and activations with OpenCV / PyTorch semantics, any number of spatial
 * axes.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `'halfPixel'`: `cv2.resize(…, INTER_LINEAR)` — source `(dst + 0.5)·in/out − 0.5`, clamped to the
 * border (spec §3). `'alignCorners'`: `torch.nn.UpsamplingBilinear2d` — source `dst·(in−1)/(out−1)`.
 */
export type ResizeMode = 'halfPixel' | 'alignCorners';

/**
 * Resizes `[batch, ...spatial, channels]` to `size` (one entry per spatial axis) by linear
 * interpolation along each spatial axis.
 *
 * Porting note: for two spatial axes this is `tf.image.resizeBilinear` with
 * `halfPixelCenters: true` (cv2's INTER_LINEAR, max diff 1.8e-7) or `alignCorners: true`; tfjs'
 * default (`halfPixelCenters: false`) moves the map by up to 0.75 (spec §8). Other ranks use the
 * same per-axis rule, {@link resizeSeparable}.
 */
export function resizeLinear(x: tf.Tensor, size: readonly number[], mode: ResizeMode): tf.Tensor {
  if (x.rank === 4) {
    const [h, w] = size as [number, number];
    return tf.image.resizeBilinear(
      x as tf.Tensor4D,
      [h, w],
      mode === 'alignCorners',
      mode === 'halfPixel',
    );
  }
  return resizeSeparable(x, size, mode);
}

function axisWeights(inSize: number, outSize: number, mode: ResizeMode) {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let src: number;
    if (mode === 'alignCorners') src = outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
    else src = Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5);
    const floor = Math.min(Math.floor(src), inSize - 1);
    lo[o] = floor;
    hi[o] = Math.min(floor + 1, inSize - 1);
    frac[o] = src - floor;
  }
  return { lo, hi, frac };
}

/**
 * Separable linear resize of `[batch, ...spatial, channels]`, one spatial axis at a time
 * (gather the two neighbours, interpolate). Same rule as {@link resizeLinear}; used for 1-D and
 * 3-D maps, where tfjs has no resize op.
 */
export function resizeSeparable(
  x: tf.Tensor,
  size: readonly number[],
  mode: ResizeMode,
): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    for (let a = 0; a < size.length; a++) {
      const axis = a + 1;
      const inSize = y.shape[axis]!;
      const outSize = size[a]!;
      if (inSize === outSize) continue;
      const { lo, hi, frac } = axisWeights(inSize, outSize, mode);
      const shape = y.shape.map((_, i) => (i === axis ? outSize : 1));
      const t = tf.reshape(tf.tensor1d(frac), shape);
      const below = tf.gather(y, tf.tensor1d(lo, 'int32'), axis);
      const above = tf.gather(y, tf.tensor1d(hi, 'int32'), axis);
      y = tf.add(below, tf.mul(tf.sub(above, below), t));
    }
    return y === x ? tf.clone(x) : y;
  });
}
