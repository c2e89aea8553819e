/**
 * The one error `loadTorchvisionWeights` throws when a `state_dict` does not fit a model.
 */
import { ShapeError } from '@tumorxai/core';

/** A key present in both the file and the model, with another shape or a non-float dtype. */
export interface MismatchedKey {
  key: string;
  /** Shape the model needs, in torch's layout. */
  expected: number[];
  /** Shape in the file, in torch's layout. */
  got: number[];
  /** dtype in the file. */
  dtype: string;
}

/** How a state_dict differs from a model. */
export interface StateDictDiff {
  /** Model keys absent from the file. */
  missing: string[];
  /** File keys the model has no place for. */
  unexpected: string[];
  /** Keys in both whose shape (or dtype) differs. */
  mismatched: MismatchedKey[];
}

const SHOWN = 12;

function list(keys: string[]): string {
  const shown = keys.slice(0, SHOWN).join(', ');
  return keys.length > SHOWN ? `${shown}, … (${keys.length - SHOWN} more)` : shown;
}

/** A likely key prefix (`module.`, `backbone.`) when the file's keys wrap the model's. */
function guessPrefix(diff: StateDictDiff): string | null {
  for (const key of diff.missing) {
    const wrapped = diff.unexpected.find((u) => u.endsWith(`.${key}`));
    if (wrapped) return wrapped.slice(0, wrapped.length - key.length);
  }
  return null;
}

function fixFor(diff: StateDictDiff, modelName: string): string {
  const prefix = guessPrefix(diff);
  if (prefix) return `The file's keys start with "${prefix}": pass { prefix: '${prefix}' }`;
  const fc = diff.mismatched.find((m) => m.key === 'fc.weight' || m.key === 'fc.bias');
  if (fc && diff.mismatched.length <= 2 && diff.missing.length + diff.unexpected.length === 0) {
    return `Only the classifier differs: pass { fc: 'skip' } to keep ${modelName}'s own fc, or build it with numClasses ${fc.got[0]}`;
  }
  return (
    `Build the model with the depth, widthMultiplier, input channels and numClasses the weights ` +
    `were trained with (widthMultiplier 1 for torchvision weights), or pass { strict: false } ` +
    `to load only the keys that match`
  );
}

/**
 * Thrown by `loadTorchvisionWeights` when the file's `state_dict` does not fit the model: lists
 * every missing, unexpected and shape-mismatched key at once (the message shows the first
 * 12 of each; the properties hold them all). Code `E_SHAPE`; `instanceof ShapeError`.
 *
 * @example
 * ```ts
 * try { loadTorchvisionWeights(model, bytes); } catch (e) {
 *   if (e instanceof StateDictMismatchError) console.log(e.missing, e.unexpected, e.mismatched);
 * }
 * ```
 */
export class StateDictMismatchError extends ShapeError {
  /** Model keys absent from the file. */
  readonly missing: string[];
  /** File keys the model has no place for. */
  readonly unexpected: string[];
  /** Keys whose shape or dtype differs. */
  readonly mismatched: MismatchedKey[];

  constructor(diff: StateDictDiff, modelName: string) {
    const parts: string[] = [];
    if (diff.missing.length)
      parts.push(`missing keys (${diff.missing.length}): ${list(diff.missing)}`);
    if (diff.unexpected.length) {
      parts.push(`unexpected keys (${diff.unexpected.length}): ${list(diff.unexpected)}`);
    }
    if (diff.mismatched.length) {
      const shown = diff.mismatched.map(
        (m) => `${m.key} expected [${m.expected}] got [${m.got}] ${m.dtype}`,
      );
      parts.push(`shape/dtype mismatches (${diff.mismatched.length}): ${list(shown)}`);
    }
    super({
      fn: 'loadTorchvisionWeights',
      problem: `the state_dict does not fit ${modelName}; ${parts.join('; ')}`,
      fix: fixFor(diff, modelName),
    });
    this.missing = diff.missing;
    this.unexpected = diff.unexpected;
    this.mismatched = diff.mismatched;
  }
}
