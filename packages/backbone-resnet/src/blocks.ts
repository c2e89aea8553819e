/**
 * torchvision's residual blocks, built from named built-in layers.
 *
 * [0] He et al., "Deep Residual Learning for Image Recognition", CVPR 2016,
 *     https://arxiv.org/abs/1512.03385
 */
import type { BlockType } from './architecture.js';
import { add, batchNorm, conv, relu, type Symbolic } from './layers.js';

/** One residual block's configuration. */
export interface BlockSpec {
  /** Block name and torchvision prefix, e.g. `layer2.0`; also the name of its output layer. */
  name: string;
  type: BlockType;
  /** Inner width (`planes` in torchvision). */
  width: number;
  /** Output channels (`planes × expansion`). */
  outChannels: number;
  stride: number;
  /** Channels of the block's input; a `downsample` branch is added when they or the stride change. */
  inChannels: number;
  zeroInitResidual: boolean;
  /** Draws one seed per convolution, in construction order. */
  nextSeed: () => number;
}

function shortcut(x: Symbolic, spec: BlockSpec): Symbolic {
  if (spec.stride === 1 && spec.inChannels === spec.outChannels) return x;
  const d = `${spec.name}.downsample`;
  return batchNorm(conv(x, `${d}.0`, spec.outChannels, 1, spec.stride, spec.nextSeed()), `${d}.1`);
}

/**
 * torchvision `BasicBlock`: conv1 3×3/s → bn1 → relu → conv2 3×3 → bn2 → + shortcut → relu.
 * Layers: `<name>.conv1`, `.bn1`, `.relu1`, `.conv2`, `.bn2`, `.downsample.{0,1}`, `.add`, and
 * the output `<name>`.
 */
function basicBlock(x: Symbolic, spec: BlockSpec): Symbolic {
  const n = spec.name;
  let y = relu(
    batchNorm(conv(x, `${n}.conv1`, spec.width, 3, spec.stride, spec.nextSeed()), `${n}.bn1`),
    `${n}.relu1`,
  );
  y = batchNorm(
    conv(y, `${n}.conv2`, spec.width, 3, 1, spec.nextSeed()),
    `${n}.bn2`,
    spec.zeroInitResidual,
  );
  return relu(add([y, shortcut(x, spec)], `${n}.add`), n);
}

/**
 * torchvision `Bottleneck` ("ResNet v1.5": the stride sits on the 3×3, not on the first 1×1):
 * conv1 1×1 → bn1 → relu → conv2 3×3/s → bn2 → relu → conv3 1×1 (×4) → bn3 → + shortcut → relu.
 *
 * Porting note: Keras' `ResNet50` is v1 (stride on the first 1×1, conv biases); loading
 * torchvision weights into it changes the logits by ~10 (measured). This is v1.5.
 */
function bottleneckBlock(x: Symbolic, spec: BlockSpec): Symbolic {
  const n = spec.name;
  let y = relu(
    batchNorm(conv(x, `${n}.conv1`, spec.width, 1, 1, spec.nextSeed()), `${n}.bn1`),
    `${n}.relu1`,
  );
  y = relu(
    batchNorm(conv(y, `${n}.conv2`, spec.width, 3, spec.stride, spec.nextSeed()), `${n}.bn2`),
    `${n}.relu2`,
  );
  y = batchNorm(
    conv(y, `${n}.conv3`, spec.outChannels, 1, 1, spec.nextSeed()),
    `${n}.bn3`,
    spec.zeroInitResidual,
  );
  return relu(add([y, shortcut(x, spec)], `${n}.add`), n);
}

/** Applies one residual block; its output layer is named `spec.name` (after add + ReLU). */
export function residualBlock(x: Symbolic, spec: BlockSpec): Symbolic {
  return spec.type === 'basic' ? basicBlock(x, spec) : bottleneckBlock(x, spec);
}
