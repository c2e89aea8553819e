/**
 * Writes a model built by `createResNet` as a torchvision `state_dict` in safetensors.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, encodeSafetensors, type SafetensorsInput } from '@tumorxai/core';
import { permuteAxes } from './permute.js';
import { batchNormLayerNames, stateDictLayout } from './state-dict-layout.js';

/** Options of {@link exportTorchvisionWeights}. */
export interface ExportTorchvisionWeightsOptions {
  /**
   * Also write every BN's `num_batches_tracked` as an int64 scalar 0 (default `true`), so the
   * file has exactly the keys of torch's `model.state_dict()`. tfjs does not count batches; torch
   * reads the counter only for `momentum=None` BatchNorm, and fills it in itself when absent,
   * so `false` gives a file that torch still loads with `strict=True`.
   */
  numBatchesTracked?: boolean;
}

/**
 * Exports `model`'s weights as a torchvision `state_dict` in safetensors (the inverse of
 * `loadTorchvisionWeights`): conv kernels HWIO → OIHW, `fc` kernel (in, out) → (out, in), BN
 * `gamma` / `beta` / `moving_mean` / `moving_variance` → `weight` / `bias` / `running_mean` /
 * `running_var`, all F32, with metadata `{ format: 'pt' }`. Load it in Python with
 * `model.load_state_dict(safetensors.torch.load_file(path))`.
 *
 * Float values round-trip bit-exactly (load → export gives the same bytes per tensor).
 * `num_batches_tracked` is written as 0, not the value a loaded file had.
 *
 * @param model A model from `createResNet`; read, not changed.
 * @returns The safetensors bytes (owned by the caller). No tensors are left allocated.
 * @throws {ConfigError} when the model has no ResNet layers.
 * @example
 * ```ts
 * fs.writeFileSync('finetuned.safetensors', exportTorchvisionWeights(model));
 * ```
 */
export function exportTorchvisionWeights(
  model: tfl.LayersModel,
  options: ExportTorchvisionWeightsOptions = {},
): Uint8Array {
  const slots = model && Array.isArray(model.layers) ? stateDictLayout(model) : [];
  if (slots.length === 0) {
    throw new ConfigError({
      fn: 'exportTorchvisionWeights',
      problem: 'model has no Conv2D, Dense or BatchNormalization layers at its top level',
      fix: 'Pass the backbone returned by createResNet, not a model that wraps it',
    });
  }
  const entries: Record<string, SafetensorsInput> = {};
  for (const slot of slots) {
    const value = slot.variable.read();
    const stored = value.dataSync() as Float32Array;
    // Always a fresh array: without a permutation, dataSync may return the variable's storage.
    const data = slot.toTorchPerm
      ? permuteAxes(stored, value.shape, slot.toTorchPerm)
      : stored.slice();
    entries[slot.key] = { dtype: 'F32', shape: slot.torchShape, data };
  }
  if (options.numBatchesTracked ?? true) {
    for (const bn of batchNormLayerNames(model)) {
      entries[`${bn}.num_batches_tracked`] = {
        dtype: 'I64',
        shape: [],
        data: new BigInt64Array(1),
      };
    }
  }
  return encodeSafetensors(entries, { format: 'pt' });
}
