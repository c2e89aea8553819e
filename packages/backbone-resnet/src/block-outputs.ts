/**
 * Named block outputs (`layer{i}.{j}`) of a ResNet: CAM target layers and feature maps.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '@tumorxai/core';

const BLOCK_NAME = /^layer(\d+)\.(\d+)$/;

function requireModel(model: tfl.LayersModel, fn: string): void {
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new ConfigError({
      fn,
      problem: 'model must be a tf.LayersModel',
      got: typeof model,
      fix: 'Pass the model returned by createResNet',
    });
  }
}

/**
 * Names of the model's residual block outputs (after add + ReLU), in forward order: for
 * ResNet-18 `['layer1.0', 'layer1.1', 'layer2.0', …, 'layer4.1']`. Empty for a model that was
 * not built by `createResNet`.
 *
 * @example
 * ```ts
 * listBlockOutputs(resnet50()).at(-1); // 'layer4.2'
 * ```
 */
export function listBlockOutputs(model: tfl.LayersModel): string[] {
  requireModel(model, 'listBlockOutputs');
  return model.layers.map((l) => l.name).filter((name) => BLOCK_NAME.test(name));
}

/**
 * The last block of each stage, i.e. torchvision's `model.layer1` … `model.layer4` outputs:
 * `['layer1.1', 'layer2.1', 'layer3.1', 'layer4.1']` for ResNet-18.
 *
 * @example
 * ```ts
 * listStageOutputs(resnet50()); // ['layer1.2', 'layer2.3', 'layer3.5', 'layer4.2']
 * ```
 */
export function listStageOutputs(model: tfl.LayersModel): string[] {
  const last = new Map<string, string>();
  for (const name of listBlockOutputs(model)) last.set(name.split('.')[0]!, name);
  return [...last.values()];
}

/**
 * The CAM target layer pytorch-grad-cam uses for ResNets, `model.layer4[-1]`: the last block
 * output (`layer4.2` for ResNet-50/101/152, `layer4.1` for ResNet-18/34).
 *
 * @throws {ConfigError} when the model has no `layer{i}.{j}` layers.
 * @example
 * ```ts
 * new GradCam(model, { targetLayer: defaultCamLayer(model) });
 * ```
 */
export function defaultCamLayer(model: tfl.LayersModel): string {
  const blocks = listBlockOutputs(model);
  const last = blocks[blocks.length - 1];
  if (!last) {
    throw new ConfigError({
      fn: 'defaultCamLayer',
      problem: `model "${model.name}" has no block outputs named layer{i}.{j}`,
      fix: 'Pass a model built by createResNet, or name the CAM layer yourself',
    });
  }
  return last;
}

/** Options of {@link createFeatureExtractor}. */
export interface FeatureExtractorOptions {
  /** Layers whose outputs to return, in this order (default `[defaultCamLayer(model)]`). */
  layers?: string[];
}

/**
 * A model that shares `model`'s layers and weights and returns the outputs of the named layers
 * (block outputs such as `layer3.1`, or any layer such as `relu` or `avgpool`). One name gives
 * one tensor `[batch, h, w, c]`; several give an array in the order asked.
 *
 * Ownership: the weights belong to `model` and are shared (training one trains the other).
 * `extractor.dispose()` releases nothing and leaves `model` working; `model.dispose()` frees the
 * weights of both. (tfjs counts a layer's users by how often it was *applied*, so a plain
 * `tf.model({ inputs, outputs })` over existing layers would free the backbone's weights on
 * `dispose()`; this extractor's `dispose` is made a no-op to avoid that.)
 *
 * @throws {ConfigError} on an unknown layer name, listing the block outputs and other layers.
 * @example
 * ```ts
 * const features = createFeatureExtractor(backbone, { layers: ['layer3.1', 'layer4.1'] });
 * const [c4, c5] = features.predict(images) as tf.Tensor4D[];
 * ```
 */
export function createFeatureExtractor(
  model: tfl.LayersModel,
  options: FeatureExtractorOptions = {},
): tfl.LayersModel {
  requireModel(model, 'createFeatureExtractor');
  const names = options.layers ?? [defaultCamLayer(model)];
  if (!Array.isArray(names) || names.length === 0) {
    throw new ConfigError({
      fn: 'createFeatureExtractor',
      problem: 'layers must be a non-empty array of layer names',
      got: names,
    });
  }
  const all = model.layers.map((l) => l.name);
  const outputs = names.map((name) => {
    if (!all.includes(name)) {
      throw new ConfigError({
        fn: 'createFeatureExtractor',
        problem: `model "${model.name}" has no layer "${name}"`,
        expected: `a block output (${listBlockOutputs(model).join(', ')}) or another layer (${all.filter((n) => !BLOCK_NAME.test(n)).join(', ')})`,
        got: name,
        fix: 'Use one of the names listed (torchvision state_dict prefixes; block outputs are layer{i}.{j})',
      });
    }
    return model.getLayer(name).output as tfl.SymbolicTensor;
  });
  const extractor = tfl.model({
    inputs: model.inputs,
    outputs: outputs.length === 1 ? outputs[0]! : outputs,
    name: `${model.name}_features`,
  });
  extractor.dispose = () => ({ refCountAfterDispose: 0, numDisposedVariables: 0 });
  return extractor;
}
