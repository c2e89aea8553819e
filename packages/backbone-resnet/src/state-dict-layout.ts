/**
 * Where each torchvision `state_dict` entry lives in a model built by `createResNet`, and how
 * its layout differs.
 *
 * | torch key suffix | shape | tfjs weight | tfjs shape |
 * |---|---|---|---|
 * | conv `.weight` | (O, I, kH, kW) | `kernel` | (kH, kW, I, O) |
 * | fc `.weight` | (out, in) | `kernel` | (in, out) |
 * | fc `.bias` | (out,) | `bias` | (out,) |
 * | bn `.weight` / `.bias` | (C,) | `gamma` / `beta` | (C,) |
 * | bn `.running_mean` / `.running_var` | (C,) | `moving_mean` / `moving_variance` | (C,) |
 * | bn `.num_batches_tracked` | () int64 | — (tfjs does not count batches) | — |
 */
import type * as tfl from '@tensorflow/tfjs-layers';

/** A tfjs-layers weight variable. */
export type LayerVariable = tfl.layers.Layer['weights'][number];

/** One `state_dict` entry of a model. */
export interface StateDictSlot {
  /** torchvision key, e.g. `layer1.0.conv1.weight`. */
  key: string;
  /** Name of the layer holding it, e.g. `layer1.0.conv1`. */
  layerName: string;
  variable: LayerVariable;
  /** Shape in torch's layout. */
  torchShape: number[];
  /** `tf.transpose` permutation from torch's layout to tfjs' (`null`: same layout). */
  toTfPerm: number[] | null;
  /** `tf.transpose` permutation from tfjs' layout to torch's (`null`: same layout). */
  toTorchPerm: number[] | null;
}

const TORCH_NAMES: Record<string, Record<string, string>> = {
  Conv2D: { kernel: 'weight', bias: 'bias' },
  Dense: { kernel: 'weight', bias: 'bias' },
  BatchNormalization: {
    gamma: 'weight',
    beta: 'bias',
    moving_mean: 'running_mean',
    moving_variance: 'running_var',
  },
};

function permute(shape: number[], perm: number[] | null): number[] {
  return perm ? perm.map((axis) => shape[axis]!) : [...shape];
}

/**
 * Lists the `state_dict` entries of `model` (its top-level Conv2D, Dense and BatchNormalization
 * layers), in layer order. Keys are `<layer name>.<torch parameter name>`.
 */
export function stateDictLayout(model: tfl.LayersModel): StateDictSlot[] {
  const slots: StateDictSlot[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const names = TORCH_NAMES[className];
    if (!names) continue;
    for (const variable of layer.weights) {
      const suffix = variable.originalName.slice(variable.originalName.lastIndexOf('/') + 1);
      const torchName = names[suffix];
      if (!torchName) continue;
      const tfShape = variable.shape as number[];
      let toTfPerm: number[] | null = null;
      let toTorchPerm: number[] | null = null;
      if (suffix === 'kernel' && className === 'Conv2D') {
        toTfPerm = [2, 3, 1, 0]; // (O, I, kH, kW) → (kH, kW, I, O)
        toTorchPerm = [3, 2, 0, 1]; // (kH, kW, I, O) → (O, I, kH, kW)
      } else if (suffix === 'kernel') {
        toTfPerm = [1, 0];
        toTorchPerm = [1, 0];
      }
      slots.push({
        key: `${layer.name}.${torchName}`,
        layerName: layer.name,
        variable,
        torchShape: permute(tfShape, toTorchPerm),
        toTfPerm,
        toTorchPerm,
      });
    }
  }
  return slots;
}

/** Names of the model's BatchNormalization layers (their `num_batches_tracked` buffers). */
export function batchNormLayerNames(model: tfl.LayersModel): string[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'BatchNormalization')
    .map((l) => l.name);
}
