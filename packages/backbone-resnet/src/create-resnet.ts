/**
 * The torchvision ResNet as a plain `tf.LayersModel` of built-in layers.
 *
 * [0] He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 *     https://arxiv.org/abs/1512.03385
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@tumorxai/core';
import { ARCHITECTURES, BASE_WIDTHS } from './architecture.js';
import { residualBlock } from './blocks.js';
import { batchNorm, conv, dense, maxPool, relu, type Symbolic } from './layers.js';
import { type ResNetOptions, resolveResNetOptions, scaleWidth } from './options.js';

/**
 * Builds a torchvision ResNet (NHWC) whose layer names are torchvision's `state_dict` prefixes:
 * `conv1`, `bn1`, `layer1.0.conv1`, `layer2.0.downsample.0`, …, `fc`. The output of every
 * residual block (after add + ReLU) is a layer named `layer{i}.{j}` — `layer4.2` is ResNet-50's
 * CAM layer (see `listBlockOutputs`, `defaultCamLayer`).
 *
 * Semantics are torchvision's, not Keras': no conv bias, BN ε = 1e-5 and momentum 0.1 (torch
 * convention), symmetric padding, Bottleneck v1.5 (stride on the 3×3), a downsample in block 0
 * of every stage whose shape changes (including ResNet-50's `layer1`), He-normal (fan_out)
 * kernels, γ = 1, β = 0, and `fc` initialised like `nn.Linear`.
 *
 * Shapes: input `[batch, H, W, C]`; output `[batch, 512·e·m]` pooled features (e = 1 for
 * ResNet-18/34, 4 for 50/101/152; m = `widthMultiplier`), or `[batch, numClasses]` logits (no
 * softmax) when `includeTop`. Only built-in layers: `tf.loadLayersModel` needs no registration.
 * The caller owns the model (`model.dispose()` frees its weights).
 *
 * @param options `depth` plus {@link ResNetPresetOptions} (defaults: `inputShape [224,224,3]`,
 *   `widthMultiplier 1`, `includeTop false`, `numClasses 1000`, `zeroInitResidual false`).
 * @throws {ConfigError} on an unknown depth, a bad `widthMultiplier`, `numClasses` or `seed`.
 * @throws {ShapeError} on an `inputShape` that is not `[H, W, C]`.
 * @example
 * ```ts
 * const model = createResNet({ depth: 50, inputShape: [224, 224, 1], seed: 0 });
 * const features = model.predict(images) as tf.Tensor2D; // [batch, 2048]
 * ```
 */
export function createResNet(options: ResNetOptions): tfl.LayersModel {
  const o = resolveResNetOptions(options);
  const arch = ARCHITECTURES[o.depth];
  const rng = createRng(o.seed ?? Math.floor(Math.random() * 2 ** 31));

  const nextSeed = () => rng.seed();
  const input = tfl.input({ shape: [...o.inputShape], name: 'input' });
  let x: Symbolic = conv(
    input,
    'conv1',
    scaleWidth(BASE_WIDTHS.stem, o.widthMultiplier),
    7,
    2,
    nextSeed(),
  );
  x = relu(batchNorm(x, 'bn1'), 'relu');
  x = maxPool(x, 'maxpool');
  let channels = scaleWidth(BASE_WIDTHS.stem, o.widthMultiplier);
  for (let stage = 0; stage < 4; stage++) {
    const width = scaleWidth(BASE_WIDTHS.stages[stage]!, o.widthMultiplier);
    const outChannels = width * arch.expansion;
    for (let j = 0; j < arch.blocks[stage]!; j++) {
      x = residualBlock(x, {
        name: `layer${stage + 1}.${j}`,
        type: arch.block,
        width,
        outChannels,
        stride: j === 0 && stage > 0 ? 2 : 1,
        inChannels: channels,
        zeroInitResidual: o.zeroInitResidual,
        nextSeed,
      });
      channels = outChannels;
    }
  }
  x = tfl.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as Symbolic;
  if (o.includeTop) x = dense(x, 'fc', o.numClasses, channels, nextSeed());
  return tfl.model({ inputs: input, outputs: x, name: o.name });
}
