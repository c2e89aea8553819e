/**
 * Building classifiers from backbones: a deep copy of a model, and a backbone with a linear
 * classifier on top.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '@tumorxai/core';
import type { LinearHead } from './linear-classifier.js';

/**
 * A deep copy of `model`: same topology (rebuilt from its JSON config), same weights (BatchNorm
 * statistics included), independent variables. The copy is owned by the caller.
 *
 * @throws whatever tfjs-layers throws for a model with unregistered custom layers.
 * @example
 * ```ts
 * const copy = await cloneModel(backbone); // fine-tune the copy, keep the pretrained original
 * ```
 */
export async function cloneModel(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = model.toJSON(null, false) as unknown as Parameters<
    typeof tfl.models.modelFromJSON
  >[0];
  const copy = (await tfl.models.modelFromJSON({ modelTopology: topology } as Parameters<
    typeof tfl.models.modelFromJSON
  >[0])) as tfl.LayersModel;
  copy.setWeights(model.getWeights());
  return copy;
}

function featureDim(fn: string, backbone: tfl.LayersModel): number {
  const shape = backbone?.outputs?.[0]?.shape;
  if (shape?.length !== 2 || typeof shape[1] !== 'number') {
    throw new ShapeError({
      fn,
      problem: 'the backbone must output features [B, d]',
      got: shape ? JSON.stringify(shape) : 'no model',
      fix: 'Use a backbone that ends in global average pooling',
    });
  }
  return shape[1];
}

/**
 * `backbone` followed by a dense layer named `fc` (torchvision's name for the classifier), as one
 * flat `tf.LayersModel` whose layers are the backbone's own — so CAM explainers find the
 * backbone's layers (`'layer4.1'`, …) by name.
 *
 * Ownership: the returned model shares the backbone's layers and weights. Dispose **either** the
 * returned model (which frees the backbone too) **or** the backbone and then
 * `model.getLayer('fc').dispose()`, never both.
 *
 * @param head Initial classifier weights (copied), e.g. `linearProbe(...).head`; default
 *   W ~ N(0, 0.01) with `seed`, b = 0.
 * @throws {ShapeError} when the backbone does not output `[B, d]` or the head does not fit it.
 * @example
 * ```ts
 * const classifier = attachClassifier(backbone, 17, { head: probe.head });
 * const cam = new GradCam(classifier, { targetLayer: defaultCamLayer(backbone) });
 * ```
 */
export function attachClassifier(
  backbone: tfl.LayersModel,
  numClasses: number,
  options: { head?: LinearHead; seed?: number; name?: string } = {},
): tfl.LayersModel {
  const fn = 'attachClassifier';
  const dim = featureDim(fn, backbone);
  const { head } = options;
  if (head && (head.weight.shape[0] !== dim || head.weight.shape[1] !== numClasses)) {
    throw new ShapeError({
      fn,
      problem: 'the head does not fit the backbone features and the class count',
      expected: `weight [${dim}, ${numClasses}]`,
      got: `weight ${JSON.stringify(head.weight.shape)}`,
    });
  }
  const dense = tfl.layers.dense({
    units: numClasses,
    name: 'fc',
    kernelInitializer: tfl.initializers.randomNormal({
      mean: 0,
      stddev: 0.01,
      seed: options.seed ?? 0,
    }),
    biasInitializer: 'zeros',
  });
  const output = dense.apply(backbone.outputs[0]!) as tfl.SymbolicTensor;
  const model = tfl.model({
    inputs: backbone.inputs,
    outputs: output,
    name: options.name ?? `${backbone.name}_classifier`,
  });
  if (head) dense.setWeights([head.weight, head.bias]);
  return model;
}

/** `featureDim` for the other modules. */
export function backboneFeatureDim(fn: string, backbone: tfl.LayersModel): number {
  return featureDim(fn, backbone);
}

/** Releases the tensors of a {@link LinearHead}. */
export function disposeHead(head: LinearHead): void {
  tf.dispose([head.weight, head.bias]);
}
