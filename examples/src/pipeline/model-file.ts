/**
 * Model files of a run: a torchvision `state_dict` in safetensors (PyTorch loads it as is) whose
 * metadata also says how to rebuild the network (`tumorxai` key: depth, width, input, classes).
 */
import { readFileSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  createResNet,
  exportTorchvisionWeights,
  loadTorchvisionWeights,
  type ResNetDepth,
} from '@tumorxai/backbone-resnet';
import { decodeSafetensors, encodeSafetensors, IOError, writeFileAtomic } from '@tumorxai/core';

/** How to rebuild a saved network. */
export interface ModelInfo {
  depth: ResNetDepth;
  widthMultiplier: number;
  inputShape: [number, number, number];
  /** Classes of the `fc` layer, or null for a headless backbone. */
  numClasses: number | null;
  classNames: string[];
  /** What produced it, e.g. `'simclr'` or `'supervised'`. */
  source: string;
  /** Whether images were cropped to the head before resizing (as in training). */
  cropToForeground: boolean;
}

/** Writes `model` (a createResNet backbone, optionally with `fc`) and its {@link ModelInfo}. */
export function saveModelFile(path: string, model: tfl.LayersModel, info: ModelInfo): void {
  const { entries, metadata } = decodeSafetensors(exportTorchvisionWeights(model));
  writeFileAtomic(
    path,
    encodeSafetensors(entries, { ...metadata, tumorxai: JSON.stringify(info) }),
  );
}

/**
 * Rebuilds the network saved by {@link saveModelFile}.
 *
 * @throws {IOError} for a file without TumorXAI metadata.
 */
export function loadModelFile(path: string): { model: tfl.LayersModel; info: ModelInfo } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new IOError({ fn: 'loadModelFile', problem: `cannot read ${path}` }, { cause });
  }
  const raw = decodeSafetensors(bytes).metadata.tumorxai;
  if (!raw) {
    throw new IOError({
      fn: 'loadModelFile',
      problem: `${path} has no "tumorxai" metadata`,
      fix: 'Pass a backbone.safetensors or model.safetensors written by the tumorxai CLI',
    });
  }
  const info = JSON.parse(raw) as ModelInfo;
  const model = createResNet({
    depth: info.depth,
    widthMultiplier: info.widthMultiplier,
    inputShape: info.inputShape,
    includeTop: info.numClasses !== null,
    numClasses: info.numClasses ?? 1000,
  });
  loadTorchvisionWeights(model, bytes);
  return { model, info };
}
