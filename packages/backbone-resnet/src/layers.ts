/**
 * Built-in tfjs-layers building blocks with torchvision semantics: convolutions without bias and
 * with torch's symmetric padding, BatchNorm with torch's epsilon and momentum.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers weight initializer. */
export type Initializer = ReturnType<typeof tfl.initializers.varianceScaling>;

/** A symbolic tensor of the functional API. */
export type Symbolic = tfl.SymbolicTensor;

/** BatchNorm epsilon of torch (`nn.BatchNorm2d(eps=1e-5)`). */
export const BN_EPSILON = 1e-5;

/**
 * Keras-convention BatchNorm momentum equal to torch's `momentum = 0.1`.
 *
 * Porting note: torch updates `running = (1 − m)·running + m·batch` with m = 0.1; Keras /
 * tfjs-layers update `moving = m·moving + (1 − m)·batch`, so the same update needs m = 0.9
 * (tfjs-layers' default 0.99 would be torch's 0.01).
 */
export const BN_MOMENTUM = 0.9;

/**
 * torchvision's conv init `kaiming_normal_(w, mode='fan_out', nonlinearity='relu')`: N(0, 2 /
 * fan_out) with fan_out = kH·kW·out, drawn with `tf.randomNormal(…, seed)`.
 *
 * Porting note: tfjs' `varianceScaling({ distribution: 'normal' })` samples a normal truncated
 * at 2σ (std ≈ 0.88× the target); torchvision's is not truncated. This is the built-in
 * `VarianceScaling` instance with an untruncated `apply`, so the layer config still serialises
 * as a built-in initializer and `tf.loadLayersModel` needs no registration (a model rebuilt
 * from JSON alone would draw the truncated variant; loaded weights overwrite it anyway).
 */
export function heNormalFanOut(seed: number): Initializer {
  const init = tfl.initializers.varianceScaling({
    scale: 2,
    mode: 'fanOut',
    distribution: 'normal',
    seed,
  });
  init.apply = (shape: number[]) => {
    const fanOut = shape.slice(0, -2).reduce((a, b) => a * b, 1) * shape[shape.length - 1]!;
    return tf.randomNormal(shape, 0, Math.sqrt(2 / fanOut), 'float32', seed);
  };
  return init;
}

function apply(layer: tfl.layers.Layer, x: Symbolic | Symbolic[]): Symbolic {
  return layer.apply(x) as Symbolic;
}

/**
 * `nn.Conv2d(in, filters, kernel, stride, padding=(kernel − 1) / 2, bias=False)`.
 *
 * Porting note: torch pads symmetrically; TF `'same'` puts the extra pixel of an even-sized
 * stride-2 input at the bottom/right (a one-pixel shift, measured: logits off by up to 10.8 on
 * ResNet-50). Strided convolutions with padding therefore get an explicit
 * `zeroPadding2d` (named `<name>.pad`) followed by a `'valid'` convolution. Stride-1 convolutions
 * use `'same'`, which for odd kernels pads `(k − 1) / 2` on every side: identical to torch.
 * Kernels start from {@link heNormalFanOut} with the given seed.
 */
export function conv(
  x: Symbolic,
  name: string,
  filters: number,
  kernelSize: number,
  strides: number,
  seed: number,
): Symbolic {
  const pad = (kernelSize - 1) / 2;
  let padding: 'valid' | 'same' = pad > 0 ? 'same' : 'valid';
  if (strides > 1 && pad > 0) {
    x = apply(tfl.layers.zeroPadding2d({ padding: pad, name: `${name}.pad` }), x);
    padding = 'valid';
  }
  return apply(
    tfl.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding,
      useBias: false,
      kernelInitializer: heNormalFanOut(seed),
      name,
    }),
    x,
  );
}

/**
 * `nn.BatchNorm2d(c)` (eps 1e-5, torch momentum 0.1); γ starts at 0 when `zeroGamma`.
 *
 * Porting note: in training (`model.apply(x, { training: true })`) tfjs-layers normalises with
 * the batch statistics and updates `moving_mean = 0.9·old + 0.1·mean` like torch, but
 * `moving_variance = 0.9·old + 0.1·var_biased` with the biased variance (÷ n, n = N·H·W, from
 * `tf.moments`), where torch uses the unbiased one (÷ (n − 1)). The running variance therefore
 * drifts low by a factor (n − 1)/n per update: 0.06 % for layer4 of a 224-px ResNet at batch
 * 32 (n = 1568), but half for a 1×1 feature map at batch 2. The normalisation itself (biased
 * variance in both) and inference are identical. Built-in layers only, so this is not patched.
 */
export function batchNorm(x: Symbolic, name: string, zeroGamma = false): Symbolic {
  return apply(
    tfl.layers.batchNormalization({
      axis: -1,
      epsilon: BN_EPSILON,
      momentum: BN_MOMENTUM,
      gammaInitializer: zeroGamma ? 'zeros' : 'ones',
      name,
    }),
    x,
  );
}

/** `nn.ReLU` as a named layer. */
export function relu(x: Symbolic, name: string): Symbolic {
  return apply(tfl.layers.activation({ activation: 'relu', name }), x);
}

/**
 * `nn.MaxPool2d(3, 2, padding=1)`.
 *
 * Porting note: torch pads max-pooling with −∞; here the input is zero-padded (`maxpool.pad`)
 * and pooled `'valid'`. This is exact because the stem max-pool follows a ReLU (inputs ≥ 0), and
 * it keeps the symmetric padding that TF `'same'` would not.
 */
export function maxPool(x: Symbolic, name: string): Symbolic {
  const padded = apply(tfl.layers.zeroPadding2d({ padding: 1, name: `${name}.pad` }), x);
  return apply(
    tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name }),
    padded,
  );
}

/** Elementwise sum of the residual branch and the shortcut. */
export function add(inputs: Symbolic[], name: string): Symbolic {
  return apply(tfl.layers.add({ name }), inputs);
}

/** `nn.Linear(in, units)` with torch's default init: U(±1/√in) for weight and bias. */
export function dense(
  x: Symbolic,
  name: string,
  units: number,
  inFeatures: number,
  seed?: number,
): Symbolic {
  const bound = 1 / Math.sqrt(inFeatures);
  return apply(
    tfl.layers.dense({
      units,
      kernelInitializer: tfl.initializers.varianceScaling({
        scale: 1 / 3,
        mode: 'fanIn',
        distribution: 'uniform',
        seed,
      }),
      biasInitializer: tfl.initializers.randomUniform({
        minval: -bound,
        maxval: bound,
        seed: seed === undefined ? undefined : seed + 1,
      }),
      name,
    }),
    x,
  );
}
