/**
 * Matches a decoded torchvision `state_dict` against a model's slots: what to load, what is
 * missing, unexpected, mismatched or deliberately skipped. Pure: reads shapes, writes nothing.
 */
import type { DecodedSafetensors, SafetensorsEntry } from '@tumorxai/core';
import type { StateDictSlot } from './state-dict-layout.js';
import type { MismatchedKey } from './state-dict-mismatch-error.js';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'F64']);

/** What `loadTorchvisionWeights` did. */
export interface LoadTorchvisionWeightsReport {
  /** Keys written into the model. */
  loaded: string[];
  /** Model keys absent from the file (non-strict only; strict throws). */
  missing: string[];
  /** File keys with no place in the model (non-strict only). */
  unexpected: string[];
  /** Keys left unloaded because their shape or dtype differs (non-strict only). */
  mismatched: MismatchedKey[];
  /** Keys deliberately not loaded: `fc.*` (by option or headless model), `num_batches_tracked`. */
  skipped: string[];
}

/** One tensor to write: the slot, the file entry, and whether to sum the stem over RGB. */
export interface LoadStep {
  slot: StateDictSlot;
  entry: SafetensorsEntry;
  /** Sum a 3-channel `conv1.weight` over its input channels (1-channel model). */
  sum: boolean;
}

function isStemSum(slot: StateDictSlot, got: number[]): boolean {
  const want = slot.torchShape;
  return (
    slot.key === 'conv1.weight' &&
    want.length === 4 &&
    got.length === 4 &&
    want[1] === 1 &&
    got[1] === 3 &&
    want[0] === got[0] &&
    want[2] === got[2] &&
    want[3] === got[3]
  );
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Compares the file with the model. `report.loaded` is left empty (filled by the loader);
 * `unexpected` holds the file's names as written (with the prefix).
 */
export function matchStateDict(
  slots: StateDictSlot[],
  batchNormNames: string[],
  decoded: DecodedSafetensors,
  fc: 'load' | 'skip' | 'skipIfMismatched',
  prefix: string,
): { steps: LoadStep[]; report: LoadTorchvisionWeightsReport } {
  const { entries } = decoded;
  const file = new Map<string, (typeof entries)[string]>();
  const unexpected: string[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (name.startsWith(prefix)) file.set(name.slice(prefix.length), entry);
    else unexpected.push(name);
  }
  const report: LoadTorchvisionWeightsReport = {
    loaded: [],
    missing: [],
    unexpected,
    mismatched: [],
    skipped: [],
  };
  const used = new Set<string>();
  for (const bn of batchNormNames) {
    const key = `${bn}.num_batches_tracked`;
    if (file.has(key)) {
      used.add(key);
      report.skipped.push(key);
    }
  }
  const hasFc = slots.some((s) => s.layerName === 'fc');
  if (!hasFc) {
    for (const key of ['fc.weight', 'fc.bias']) {
      if (file.has(key)) {
        used.add(key);
        report.skipped.push(key);
      }
    }
  }
  const steps: LoadStep[] = [];
  for (const slot of slots) {
    const entry = file.get(slot.key);
    if (entry) used.add(slot.key);
    if (slot.layerName === 'fc' && fc === 'skip') {
      report.skipped.push(slot.key);
      continue;
    }
    if (!entry) {
      report.missing.push(slot.key);
      continue;
    }
    const sum = isStemSum(slot, entry.shape);
    if (!FLOAT_DTYPES.has(entry.dtype) || !(sum || sameShape(slot.torchShape, entry.shape))) {
      if (slot.layerName === 'fc' && fc === 'skipIfMismatched') report.skipped.push(slot.key);
      else
        report.mismatched.push({
          key: slot.key,
          expected: slot.torchShape,
          got: entry.shape,
          dtype: entry.dtype,
        });
      continue;
    }
    steps.push({ slot, entry, sum });
  }
  for (const name of file.keys()) if (!used.has(name)) unexpected.push(prefix + name);
  return { steps, report };
}
