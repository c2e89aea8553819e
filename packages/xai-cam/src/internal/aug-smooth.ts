/**
 * Test-time augmentation smoothing, pytorch-grad-cam's `aug_smooth=True` (spec §1.3):
 * `ttach.Compose([HorizontalFlip(), Multiply([0.9, 1, 1.1])])`.
 */
import * as tf from '@tensorflow/tfjs-core';

const FLIPS = [false, true] as const;
const FACTORS = [0.9, 1, 1.1] as const;

/**
 * Runs `run` on the 6 augmentations of `images` `[N, ...spatial, C]` — horizontal flip (the last
 * spatial axis) × intensity factor 0.9 / 1 / 1.1, applied to the already-normalised input — un-flips
 * every returned map `[N, ...spatial]` and averages them. The mean is not renormalised (its
 * maximum can be below 1). With default targets, `run` recomputes the argmax on each augmented
 * input, as the reference does. Call inside `tf.tidy`.
 */
export function augmentationSmoothing(
  images: tf.Tensor,
  run: (augmented: tf.Tensor) => tf.Tensor[],
): tf.Tensor[] {
  const widthAxis = images.rank - 2;
  let sums: tf.Tensor[] | undefined;
  for (const flip of FLIPS) {
    for (const factor of FACTORS) {
      const maps = tf.tidy(() => {
        const flipped = flip ? tf.reverse(images, widthAxis) : images;
        const augmented = tf.mul(flipped, factor);
        return run(augmented).map((m) => (flip ? tf.reverse(m, m.rank - 1) : m));
      });
      if (!sums) sums = maps;
      else {
        const next = sums.map((s, i) => tf.add(s, maps[i]!));
        tf.dispose([sums, maps]);
        sums = next;
      }
    }
  }
  return sums!.map((s) => tf.div(s, FLIPS.length * FACTORS.length));
}
