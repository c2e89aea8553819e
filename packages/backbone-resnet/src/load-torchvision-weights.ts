/**
 * Loads a torchvision ResNet `state_dict` (safetensors) into a model built by `createResNet`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, type DecodedSafetensors, decodeSafetensors, IOError } from '@tumorxai/core';
import { type LoadTorchvisionWeightsReport, matchStateDict } from './match-state-dict.js';
import { permuteAxes, sumInputChannels } from './permute.js';
import { batchNormLayerNames, stateDictLayout } from './state-dict-layout.js';
import { StateDictMismatchError } from './state-dict-mismatch-error.js';

const FN = 'loadTorchvisionWeights';

export type { LoadTorchvisionWeightsReport } from './match-state-dict.js';

/** Options of {@link loadTorchvisionWeights}. */
export interface LoadTorchvisionWeightsOptions {
  /**
   * Require the file and the model to match exactly (default `true`, like torch's
   * `load_state_dict(strict=True)`): any missing, unexpected or mismatched key throws one
   * {@link StateDictMismatchError} listing them all, and nothing is loaded. With `false`, the
   * keys that match by name and shape are loaded and the rest is reported, not thrown.
   */
  strict?: boolean;
  /**
   * What to do with the classifier: `'load'` (default), `'skip'` (keep the model's own `fc`),
   * or `'skipIfMismatched'` (load it only when the class counts agree, e.g. when fine-tuning
   * ImageNet weights on 17 classes). A model without `fc` (`includeTop: false`) always ignores
   * the file's `fc.*` keys.
   */
  fc?: 'load' | 'skip' | 'skipIfMismatched';
  /**
   * Prefix of the file's keys (default `''`), e.g. `'module.'` for a `DataParallel` checkpoint
   * or `'backbone.'` for an SSL checkpoint; keys without it count as unexpected.
   */
  prefix?: string;
}

function decode(bytes: Uint8Array | ArrayBuffer): DecodedSafetensors {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  try {
    return decodeSafetensors(view);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IOError(
      {
        fn: FN,
        problem: `the weights are not a readable safetensors file (${reason})`,
        fix: 'Pass the complete bytes of a .safetensors file (fs.readFileSync(path)), e.g. written by safetensors.torch.save_file(model.state_dict(), path)',
      },
      { cause },
    );
  }
}

/**
 * Loads a torchvision ResNet `state_dict` stored as safetensors into `model` (built by
 * `createResNet` / `resnet50` …, whose layer names are the `state_dict` prefixes), converting
 * layouts: conv OIHW → HWIO, `fc.weight` (out, in) → (in, out), BN `weight` / `bias` /
 * `running_mean` / `running_var` → `gamma` / `beta` / `moving_mean` / `moving_variance`.
 * `num_batches_tracked` is ignored (tfjs does not count batches). F16 and F64 tensors are
 * converted to float32.
 *
 * 1-channel models: a 3-channel `conv1.weight` (O, 3, 7, 7) is summed over its RGB axis into
 * (O, 1, 7, 7), so a grey image `x` gives exactly what the RGB network gives for `[x, x, x]`
 * (normalise the grey channel with one mean/std; ImageNet's per-channel statistics then no
 * longer apply exactly).
 *
 * The model is changed in place (its variables are overwritten); validation happens before
 * anything is written, so a throw leaves the model untouched. No tensors are left allocated.
 *
 * @param model A model from `createResNet` (pass the backbone, not a wrapper model around it).
 * @param bytes The `.safetensors` file's bytes.
 * @returns What was loaded, skipped and (non-strict) left out.
 * @throws {StateDictMismatchError} (`E_SHAPE`) in strict mode, listing every missing,
 *   unexpected and shape-mismatched key in one message.
 * @throws {IOError} (`E_IO`) when the bytes are truncated or not safetensors.
 * @throws {ConfigError} (`E_CONFIG`) on a model without ResNet layers or bad options.
 * @example
 * ```ts
 * const model = resnet50({ inputShape: [224, 224, 3], includeTop: true });
 * loadTorchvisionWeights(model, fs.readFileSync('resnet50.safetensors'));
 * ```
 */
export function loadTorchvisionWeights(
  model: tfl.LayersModel,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadTorchvisionWeightsOptions = {},
): LoadTorchvisionWeightsReport {
  const { strict = true, fc = 'load', prefix = '' } = options;
  if (!['load', 'skip', 'skipIfMismatched'].includes(fc)) {
    throw new ConfigError({
      fn: FN,
      problem: 'unknown fc option',
      expected: "'load' | 'skip' | 'skipIfMismatched'",
      got: fc,
    });
  }
  if (!model || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new ConfigError({
      fn: FN,
      problem: 'model must be a tf.LayersModel',
      got: typeof model,
      fix: 'Pass the model returned by createResNet',
    });
  }
  const slots = stateDictLayout(model);
  if (slots.length === 0) {
    throw new ConfigError({
      fn: FN,
      problem: `model "${model.name}" has no Conv2D, Dense or BatchNormalization layers at its top level`,
      fix: 'Pass the backbone returned by createResNet, not a model that wraps it',
    });
  }
  const { steps, report } = matchStateDict(
    slots,
    batchNormLayerNames(model),
    decode(bytes),
    fc,
    prefix,
  );
  if (strict && report.missing.length + report.unexpected.length + report.mismatched.length > 0) {
    throw new StateDictMismatchError(report, model.name);
  }
  for (const { slot, entry, sum } of steps) {
    let data =
      entry.data instanceof Float32Array
        ? entry.data
        : Float32Array.from(entry.data as Float64Array);
    let shape = entry.shape;
    if (sum) {
      data = sumInputChannels(data, shape);
      shape = [shape[0]!, 1, shape[2]!, shape[3]!];
    }
    if (slot.toTfPerm) {
      data = permuteAxes(data, shape, slot.toTfPerm);
      shape = slot.toTfPerm.map((axis) => shape[axis]!);
    }
    const value = tf.tensor(data, shape, 'float32');
    slot.variable.write(value);
    value.dispose();
    report.loaded.push(slot.key);
  }
  return report;
}
