/**
 * The CAM pipeline shared by every method (pytorch-grad-cam `base_cam.py`, spec §1 and §3).
 *
 * [0] Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 *     Localization", ICCV 2017, https://arxiv.org/abs/1610.02391
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, DisposedError, ShapeError } from '@tumorxai/core';
import type {
  CamContext,
  CamDetails,
  CamLayerDetails,
  CamOptions,
  ExplainOptions,
  RawCam,
} from './cam-types.js';
import { projectFirstComponent } from './eigen-projection.js';
import { augmentationSmoothing } from './internal/aug-smooth.js';
import { runLayerPass } from './internal/layer-pass.js';
import { resizeLinear } from './internal/resize.js';
import { resolveTargets } from './internal/resolve-targets.js';
import { broadcastWeights, minMaxPerImage } from './internal/spatial.js';
import { type ModelSplit, splitModel } from './split-model.js';

/**
 * Base class of the explainers. It cuts the model at each target layer (no hooks; the caller's
 * model is never changed), computes the activations `A` and, for gradient methods, `G`, asks
 * the subclass for the raw map, then applies ReLU → per-image min-max (eps 1e-7) → bilinear
 * resize with half-pixel centres to the input size → mean over layers → min-max again.
 * BatchNorm runs in inference mode. Reductions are rank-agnostic (`[N, ...spatial, C]`).
 *
 * Subclasses override {@link BaseCam.channelWeights} (weights `[N, K]`; raw = `Σ_k w·A`) or
 * {@link BaseCam.computeRaw}, and set `usesGradients` / `usesTargets`.
 */
export abstract class BaseCam {
  /** Whether the method needs `G` (a backward pass). */
  protected readonly usesGradients: boolean = true;
  /** Whether the method needs targets (EigenCAM does not). */
  protected readonly usesTargets: boolean = true;
  protected readonly model: tfl.LayersModel;
  protected readonly options: Readonly<CamOptions>;
  private readonly splits: ModelSplit[];
  private disposed = false;

  /**
   * @throws {ConfigError} when `targetLayer` is missing or names no suitable layer (the message
   *   lists the valid block outputs).
   */
  constructor(model: tfl.LayersModel, options: CamOptions) {
    const fn = new.target.name;
    const layers =
      typeof options?.targetLayer === 'string' ? [options.targetLayer] : options?.targetLayer;
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new ConfigError({
        fn,
        problem: 'targetLayer is required',
        expected: "a layer name such as 'layer4.1', or a non-empty array of names",
        got: options?.targetLayer,
        fix: 'For a ResNet pass { targetLayer: defaultCamLayer(model) } (@tumorxai/backbone-resnet)',
      });
    }
    this.model = model;
    this.options = { ...options };
    this.splits = layers.map((name) => splitModel(model, name, fn));
  }

  /** The explained layers, in order. */
  get targetLayers(): string[] {
    return this.splits.map((s) => s.layerName);
  }

  /**
   * Explains `images` `[N, H, W, C]` (NHWC, preprocessed as the model expects).
   *
   * @returns A new tensor `[N, H, W]` in [0, 1] owned by the caller; `images` is not disposed.
   * @throws {ShapeError} on a wrong image rank or a `targets` length other than 1 or N.
   * @throws {DisposedError} after `dispose()`.
   * @example
   * ```ts
   * const cam = new GradCam(model, { targetLayer: 'layer4.2' });
   * const maps = cam.explain(images, { targets: [3, 10] }); // one class per image
   * ```
   */
  explain(images: tf.Tensor, options: ExplainOptions = {}): tf.Tensor3D {
    this.check(images, 'explain');
    return tf.tidy(() => {
      if (!options.augSmooth) return this.compute(images, options).cam;
      return augmentationSmoothing(images, (x) => [this.compute(x, options).cam])[0]!;
    }) as tf.Tensor3D;
  }

  /**
   * One map per target layer, each equal to what an explainer with that single layer returns,
   * from one call. Keys are layer names; the caller owns the tensors.
   *
   * @throws {ShapeError} / {DisposedError} as {@link BaseCam.explain}.
   * @example
   * ```ts
   * const cam = new GradCam(model, { targetLayer: ['layer3.1', 'layer4.1'] });
   * const { 'layer3.1': fine, 'layer4.1': coarse } = cam.explainLayers(images);
   * ```
   */
  explainLayers(images: tf.Tensor, options: ExplainOptions = {}): Record<string, tf.Tensor3D> {
    this.check(images, 'explainLayers');
    const maps = tf.tidy(() => {
      const run = (x: tf.Tensor) =>
        this.compute(x, options).layers.map((l) => minMaxPerImage(l.upsampled));
      return options.augSmooth ? augmentationSmoothing(images, run) : run(images);
    });
    return Object.fromEntries(this.targetLayers.map((name, i) => [name, maps[i] as tf.Tensor3D]));
  }

  /**
   * The final map and every intermediate (activations, gradients, channel weights, raw and
   * low-resolution maps per layer, outputs, targets) — for debugging and reports. The caller
   * owns all tensors: `tf.dispose(details)`.
   *
   * @throws {ConfigError} with `augSmooth` (it averages 6 runs; use `explain`).
   * @example
   * ```ts
   * const details = cam.explainDetailed(images);
   * details.layers[0].weights?.print();
   * tf.dispose(details);
   * ```
   */
  explainDetailed(images: tf.Tensor, options: ExplainOptions = {}): CamDetails {
    this.check(images, 'explainDetailed');
    if (options.augSmooth) {
      throw new ConfigError({
        fn: `${this.constructor.name}.explainDetailed`,
        problem: 'augSmooth is not supported here: it averages six separate runs',
        fix: 'Use explain(images, { augSmooth: true })',
      });
    }
    return tf.tidy(
      () => this.compute(images, options) as unknown as tf.TensorContainer,
    ) as unknown as CamDetails;
  }

  /** Releases the explainer. It owns no tensors (the model stays the caller's); later calls throw. */
  dispose(): void {
    this.disposed = true;
  }

  /** Channel weights `[N, K]` of weighting methods. */
  protected channelWeights(_context: CamContext): tf.Tensor {
    throw new Error(`${this.constructor.name} must override channelWeights or computeRaw`);
  }

  /** Raw map before the ReLU: `Σ_k w_k·A_k`, or its principal-component projection with `eigenSmooth`. */
  protected computeRaw(context: CamContext): RawCam {
    const weights = this.channelWeights(context);
    const weighted = tf.mul(broadcastWeights(weights, context.activations), context.activations);
    return { raw: this.reduceChannels(weighted, context.eigenSmooth), weights };
  }

  /** `Σ_k x_k` over the channel axis, or the first-principal-component projection. */
  protected reduceChannels(x: tf.Tensor, eigen: boolean): tf.Tensor {
    return eigen ? this.project(x) : tf.sum(x, -1);
  }

  /** {@link projectFirstComponent} with this explainer's sign options. */
  protected project(x: tf.Tensor): tf.Tensor {
    return projectFirstComponent(x, {
      sign: this.options.eigenSign,
      flipSign: this.options.flipSign,
    });
  }

  private check(images: tf.Tensor, method: string): void {
    const fn = `${this.constructor.name}.${method}`;
    if (this.disposed) {
      throw new DisposedError({
        fn,
        problem: 'the explainer was disposed',
        fix: 'Create a new one',
      });
    }
    if (!(images instanceof tf.Tensor) || images.rank < 3 || images.shape[0] === 0) {
      throw new ShapeError({
        fn,
        problem: 'images must be a non-empty batch [N, H, W, C] (NHWC)',
        got: images instanceof tf.Tensor ? images.shape : typeof images,
        fix: 'Add the batch axis with tf.expandDims(image, 0)',
      });
    }
  }

  private compute(images: tf.Tensor, options: ExplainOptions): CamDetails {
    const fn = `${this.constructor.name}.explain`;
    const size = images.shape.slice(1, -1);
    let targets = resolveTargets(fn, options.targets, images.shape[0]!);
    let outputs: tf.Tensor | undefined;
    const layers: CamLayerDetails[] = this.splits.map((split) => {
      const pass = runLayerPass(fn, split, images, targets, {
        gradients: this.usesGradients,
        targets: this.usesTargets,
      });
      targets = pass.targets;
      outputs ??= pass.outputs;
      const { raw, weights } = this.computeRaw({
        images,
        activations: pass.activations,
        gradients: pass.gradients,
        targets,
        split,
        eigenSmooth: options.eigenSmooth ?? false,
      });
      const lowRes = minMaxPerImage(tf.relu(raw));
      const resized = resizeLinear(tf.expandDims(lowRes, -1), size, 'halfPixel');
      const upsampled = tf.squeeze(resized, [resized.rank - 1]);
      const { activations, gradients } = pass;
      return { layer: split.layerName, activations, gradients, weights, raw, lowRes, upsampled };
    });
    const stacked = tf.stack(layers.map((l) => l.upsampled));
    const cam = minMaxPerImage(tf.mean(tf.relu(stacked), 0));
    return { cam, outputs, targets, layers };
  }
}
