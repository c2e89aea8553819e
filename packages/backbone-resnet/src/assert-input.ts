/**
 * A typed check of an image batch against a ResNet's input, for code that wants a clear error
 * before `model.predict` / `model.apply` throws tfjs' untyped `ValueError`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, ShapeError } from '@tumorxai/core';

/**
 * Throws a {@link ShapeError} unless `images` fits `model`'s input: rank 4 `[batch, H, W, C]`
 * (NHWC), `C` equal to the model's channels, and `H`, `W` equal to the model's when they are
 * fixed (a model built with `inputShape: [null, null, C]` takes any size). The message names
 * the likely cause: NCHW input, RGB into a grey model, a missing batch axis, a wrong size.
 *
 * tfjs itself rejects such input in `model.predict` with an untyped `ValueError`; this gives
 * the house error (`code: 'E_SHAPE'`) under the caller's function name. Reads shapes only.
 *
 * @param fn Name used in the message (default `'assertResNetInput'`), e.g. `'GradCam.explain'`.
 * @throws {ShapeError} when the batch does not fit; {ConfigError} when `model` has no single
 *   rank-4 input.
 * @example
 * ```ts
 * assertResNetInput(model, images, 'SimCLR.step');
 * ```
 */
export function assertResNetInput(
  model: tfl.LayersModel,
  images: tf.Tensor,
  fn = 'assertResNetInput',
): void {
  const inputShape = model?.inputs?.length === 1 ? model.inputs[0]!.shape : null;
  if (inputShape?.length !== 4) {
    throw new ConfigError({
      fn,
      problem: 'model must have one [batch, H, W, C] input',
      got: inputShape,
      fix: 'Pass a model built by createResNet',
    });
  }
  const [, h, w, c] = inputShape as [null, number | null, number | null, number];
  const expected = `[batch, ${h ?? 'H'}, ${w ?? 'W'}, ${c}] (NHWC)`;
  const shape = images?.shape;
  if (!Array.isArray(shape) || shape.length !== 4) {
    throw new ShapeError({
      fn,
      problem: 'images must be a rank-4 batch',
      expected,
      got: shape,
      fix:
        shape?.length === 3
          ? 'Add the batch axis with tf.expandDims(image, 0)'
          : 'Pass a [batch, height, width, channels] tensor',
    });
  }
  if (shape[3] !== c) {
    let fix = `Pass ${c}-channel images or build the model with inputShape [H, W, ${shape[3]}]`;
    if (shape[1] === c)
      fix = 'The batch looks NCHW: transpose it with tf.transpose(images, [0, 2, 3, 1])';
    else if (c === 1 && shape[3] === 3)
      fix =
        'Convert the images to grey (e.g. tf.mean(images, 3, true)) or build the model with inputShape [H, W, 3]';
    throw new ShapeError({
      fn,
      problem: `images have ${shape[3]} channels but the model takes ${c}`,
      expected,
      got: shape,
      fix,
    });
  }
  if ((h !== null && shape[1] !== h) || (w !== null && shape[2] !== w)) {
    throw new ShapeError({
      fn,
      problem: `images are ${shape[1]}×${shape[2]} but the model takes ${h}×${w}`,
      expected,
      got: shape,
      fix: `Resize with tf.image.resizeBilinear(images, [${h}, ${w}], false, true), or build the model with inputShape [null, null, ${c}]`,
    });
  }
}
