/**
 * The augmentation-op contract shared by every TumorXAI SSL package, and the combinators
 * `compose` and `randomApply`. An op is a plain synchronous function, so user-written ops plug in
 * anywhere a built-in one does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type Rng, ShapeError } from '@tumorxai/core';

/**
 * A batched, seeded image transform.
 *
 * Contract (what built-in ops guarantee and what user ops must honour):
 * - input `[N, H, W, C]` float32, usually in [0, 1]; output `[N, H', W', C]` float32;
 * - all randomness comes from `rng` (per-image parameters are drawn in image order), so the same
 *   generator state gives the same output on every backend;
 * - synchronous, runs its tensor work in `tf.tidy`; never disposes its input; always returns a
 *   new tensor (a no-op returns `tf.clone(images)`), owned by the caller.
 *
 * @example
 * ```ts
 * const invert: AugmentationOp = (images) => tf.tidy(() => tf.sub(1, images));
 * const view = compose([randomResizedCrop({ size: 96 }), invert]);
 * ```
 */
export type AugmentationOp = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;

/** Produces several views of a batch (multi-crop, asymmetric two-view recipes). */
export type ViewsOp = (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D[];

/** Checks an op's input. */
export function assertImages(fn: string, images: tf.Tensor): asserts images is tf.Tensor4D {
  if (!(images instanceof tf.Tensor) || images.rank !== 4 || images.dtype !== 'float32') {
    throw new ShapeError({
      fn,
      problem: 'images must be a float32 NHWC batch',
      expected: '[N, H, W, C] float32',
      got:
        images instanceof tf.Tensor
          ? `${JSON.stringify(images.shape)} ${images.dtype}`
          : typeof images,
    });
  }
}

/** Checks a probability. */
export function assertProbability(fn: string, name: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ConfigError({ fn, problem: `${name} must be a probability in [0, 1]`, got: p });
  }
  return p;
}

/** Checks a `[low, high]` range (or a number `v` meaning `[v, v]`). */
export function assertRange(
  fn: string,
  name: string,
  value: unknown,
  min = Number.NEGATIVE_INFINITY,
): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (
    !Array.isArray(pair) ||
    pair.length !== 2 ||
    !pair.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= min) ||
    pair[0] > pair[1]
  ) {
    throw new ConfigError({
      fn,
      problem: `${name} must be [low, high] with ${min === Number.NEGATIVE_INFINITY ? '' : `${min} <= `}low <= high`,
      got: value,
    });
  }
  return [pair[0], pair[1]];
}

/**
 * Applies `transform` to the images where `mask[i]` is true and leaves the others unchanged.
 * Only the selected images are computed (gather → transform → scatter by gather), so a rare op
 * (blur with p = 0.1) costs a tenth of a full pass. `transform` must keep H, W and C.
 */
export function applyWhere(
  fn: string,
  images: tf.Tensor4D,
  mask: readonly boolean[],
  transform: (subset: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const chosen: number[] = [];
    const order = new Int32Array(mask.length);
    mask.forEach((m, i) => {
      order[i] = m ? mask.length + chosen.length : i;
      if (m) chosen.push(i);
    });
    if (chosen.length === 0) return tf.clone(images);
    if (chosen.length === mask.length) return transform(images);
    const subset = tf.gather(images, tf.tensor1d(chosen, 'int32')) as tf.Tensor4D;
    const changed = transform(subset);
    if (changed.shape.slice(1).join() !== images.shape.slice(1).join()) {
      throw new ShapeError({
        fn,
        problem: 'an op applied to part of a batch must keep H, W and C',
        expected: images.shape.slice(1),
        got: changed.shape.slice(1),
        fix: 'Apply size-changing ops (crops) to the whole batch',
      });
    }
    return tf.gather(tf.concat([images, changed], 0), tf.tensor1d(order, 'int32')) as tf.Tensor4D;
  });
}

/** Draws one Bernoulli(p) per image. */
export function drawMask(n: number, p: number, rng: Rng): boolean[] {
  return Array.from({ length: n }, () => rng.bernoulli(p));
}

/**
 * Chains ops into one (a "view recipe"). Op `k` receives `rng.fork('op' + k)`, so adding an op at
 * the end does not change the randomness of the ops before it.
 *
 * @example
 * ```ts
 * const simclrView = compose([
 *   randomResizedCrop({ size: 224 }), horizontalFlip(),
 *   colorJitter({ brightness: 0.8, contrast: 0.8, p: 0.8 }), gaussianBlur({ p: 0.5 }),
 * ]);
 * const view = simclrView(images, createRng(0));
 * ```
 */
export function compose(ops: readonly AugmentationOp[]): AugmentationOp {
  if (!Array.isArray(ops) || ops.some((op) => typeof op !== 'function')) {
    throw new ConfigError({
      fn: 'compose',
      problem: 'ops must be an array of functions',
      got: ops,
    });
  }
  const list = [...ops];
  return (images, rng) => {
    assertImages('compose', images);
    return tf.tidy(() => {
      let current: tf.Tensor4D = images;
      list.forEach((op, k) => {
        current = op(current, rng.fork(`op${k}`));
      });
      return current === images ? tf.clone(images) : current;
    });
  };
}

/**
 * Applies `op` to each image independently with probability `p` (torchvision `RandomApply`, but
 * per image rather than per batch). `op` must keep the image size.
 *
 * @example
 * ```ts
 * const jitter = randomApply(colorJitter({ brightness: 0.4, contrast: 0.4 }), 0.8);
 * ```
 */
export function randomApply(op: AugmentationOp, p: number): AugmentationOp {
  assertProbability('randomApply', 'p', p);
  return (images, rng) => {
    assertImages('randomApply', images);
    const mask = drawMask(images.shape[0], p, rng);
    const inner = rng.fork('op');
    return applyWhere('randomApply', images, mask, (subset) => op(subset, inner));
  };
}

/**
 * Turns one recipe per view into a {@link ViewsOp}; view `k` uses `rng.fork('view' + k)`.
 * Asymmetric recipes (BYOL, MoCo v3: blur 1.0 / 0.1, solarise 0 / 0.2) are two recipes.
 *
 * @example
 * ```ts
 * const views = makeViews([view1, view2]);
 * const [v1, v2] = views(images, rng);
 * ```
 */
export function makeViews(recipes: readonly AugmentationOp[]): ViewsOp {
  if (!Array.isArray(recipes) || recipes.length === 0) {
    throw new ConfigError({ fn: 'makeViews', problem: 'pass at least one recipe', got: recipes });
  }
  const list = [...recipes];
  return (images, rng) => {
    assertImages('makeViews', images);
    return tf.tidy(() => list.map((recipe, k) => recipe(images, rng.fork(`view${k}`))));
  };
}
