/**
 * Training checkpoints: every network of a method, its optimiser state, the RNG state and the
 * step, in one safetensors file written atomically (temp file + rename).
 *
 * Layout: tensors `weights/<key>` (from `SSLMethod.getWeights`) and `optimizer/<slot>` (from
 * `Optimizer.getState`), all float32 / int32 bit-exact; metadata `format` =
 * `tumorxai-ssl-checkpoint`, `version` = `1`, and `state` = JSON of {@link CheckpointState}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { IOError } from '../errors.js';
import { writeFileAtomic } from '../io/file-system.js';
import type { OptimizerState } from '../optim/optimizer.js';
import type { RngState } from '../rng.js';
import { decodeSafetensors } from '../safetensors.js';
import { entryToTensor, writeSafetensors } from '../safetensors-tensors.js';

const FORMAT = 'tumorxai-ssl-checkpoint';
const VERSION = '1';

/** The JSON part of a checkpoint. */
export interface CheckpointState {
  /** `SSLMethod.name`. */
  method: string;
  /** Completed optimisation steps. */
  step: number;
  totalSteps: number;
  stepsPerEpoch: number;
  batchSize: number;
  /** State of the run's generator after `step` steps. */
  rngState: RngState;
  /** Optimiser state without its tensors. */
  optimizer: Omit<OptimizerState, 'slots'>;
  /** Anything else the loop needs to continue (loss history, …). */
  extra: Record<string, unknown>;
}

/** A checkpoint in memory: its JSON state and tensors (owned by whoever holds it). */
export interface Checkpoint extends CheckpointState {
  weights: Record<string, tf.Tensor>;
  optimizerSlots: Record<string, tf.Tensor>;
}

/** The file `pretrain` writes in a checkpoint directory. */
export function checkpointFile(dir: string): string {
  return join(dir, 'checkpoint.safetensors');
}

/**
 * Writes `checkpoint` to `path` atomically. Tensors are read, not disposed.
 *
 * @throws {IOError} when the file cannot be written.
 * @example
 * ```ts
 * writeCheckpoint(checkpointFile('runs/simclr'), { ...state, weights, optimizerSlots });
 * ```
 */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const { weights, optimizerSlots, ...state } = checkpoint;
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(weights)) tensors[`weights/${k}`] = t;
  for (const [k, t] of Object.entries(optimizerSlots)) tensors[`optimizer/${k}`] = t;
  const bytes = writeSafetensors(tensors, {
    format: FORMAT,
    version: VERSION,
    state: JSON.stringify(state),
  });
  writeFileAtomic(path, bytes);
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 *
 * @returns The state and new tensors owned by the caller (dispose `weights` and `optimizerSlots`).
 * @throws {IOError} when the file is missing, corrupt, or not a TumorXAI SSL checkpoint.
 */
export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) {
    throw new IOError({ fn: 'readCheckpoint', problem: `no checkpoint at ${path}` });
  }
  const { entries, metadata } = decodeSafetensors(readFileSync(path));
  if (metadata.format !== FORMAT || metadata.version !== VERSION || !metadata.state) {
    throw new IOError({
      fn: 'readCheckpoint',
      problem: `${path} is not a TumorXAI SSL checkpoint`,
      expected: `format ${FORMAT} version ${VERSION}`,
      got: `format ${metadata.format} version ${metadata.version}`,
    });
  }
  let state: CheckpointState;
  try {
    state = JSON.parse(metadata.state) as CheckpointState;
  } catch (cause) {
    throw new IOError({ fn: 'readCheckpoint', problem: `${path} has a corrupt state` }, { cause });
  }
  const weights: Record<string, tf.Tensor> = {};
  const optimizerSlots: Record<string, tf.Tensor> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (name.startsWith('weights/')) weights[name.slice(8)] = entryToTensor(name, entry);
    else if (name.startsWith('optimizer/'))
      optimizerSlots[name.slice(10)] = entryToTensor(name, entry);
  }
  return { ...state, weights, optimizerSlots };
}
