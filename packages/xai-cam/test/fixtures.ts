/**
 * Test helpers: the torchvision ResNet-18 of `shared/fixtures/resnet-cam` and its reference maps.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTorchvisionWeights, resnet18 } from '@tumorxai/backbone-resnet';
import { entryToTensor, type SafetensorsEntry } from '@tumorxai/core';
import { fixturePath, loadJsonFixture, loadSafetensorsFixture } from '@tumorxai/core/testing';

export type FixtureName = 'resnet18' | 'resnet18_64x96';

interface Manifest {
  input_shape_nchw: [number, number, number, number];
  weights_file: string;
  argmax: number[];
  fixed_class: number;
}

export interface CamFixture {
  name: FixtureName;
  manifest: Manifest;
  model: tfl.LayersModel;
  /** NHWC input batch `[2, H, W, 3]`. */
  input: tf.Tensor4D;
  entries: Record<string, SafetensorsEntry>;
  /** Float32 values of an expected entry (NCHW entries are returned as stored). */
  values(key: string): Float32Array;
  /** An expected 4-D NCHW entry as an NHWC tensor (caller disposes). */
  nhwc(key: string): tf.Tensor;
  dispose(): void;
}

const cache = new Map<string, Buffer>();
function weightsBytes(path: string): Buffer {
  let bytes = cache.get(path);
  if (!bytes) {
    bytes = readFileSync(path);
    cache.set(path, bytes);
  }
  return bytes;
}

/** Builds ResNet-18 (17 classes) for the fixture's input size and loads the fixture weights. */
export function loadCamFixture(name: FixtureName): CamFixture {
  const manifest = loadJsonFixture<Manifest>(`resnet-cam/${name}/manifest.json`);
  const [, , h, w] = manifest.input_shape_nchw;
  const model = resnet18({ inputShape: [h, w, 3], includeTop: true, numClasses: 17 });
  const dir = dirname(fixturePath(`resnet-cam/${name}/manifest.json`));
  loadTorchvisionWeights(model, weightsBytes(join(dir, manifest.weights_file)));
  const inputs = loadSafetensorsFixture(`resnet-cam/${name}/inputs.safetensors`).entries;
  const entries = loadSafetensorsFixture(`resnet-cam/${name}/expected.safetensors`).entries;
  const input = tf.tidy(() =>
    tf.transpose(entryToTensor('input', inputs.input!), [0, 2, 3, 1]),
  ) as tf.Tensor4D;
  const get = (key: string) => {
    const entry = entries[key];
    if (!entry) throw new Error(`fixture ${name} has no entry ${key}`);
    return entry;
  };
  return {
    name,
    manifest,
    model,
    input,
    entries,
    values: (key) => Float32Array.from(get(key).data as Float32Array),
    nhwc: (key) => tf.tidy(() => tf.transpose(entryToTensor(key, get(key)), [0, 2, 3, 1])),
    dispose: () => {
      model.dispose();
      input.dispose();
    },
  };
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest absolute value. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** The slice of image `b` of a `[B, ...]` flat array with `per` values per image. */
export function imageSlice(values: Float32Array, b: number, per: number): Float32Array {
  return values.subarray(b * per, (b + 1) * per);
}
