/**
 * A file-system `tf.io.IOHandler` for Node that needs no native code (no tfjs-node).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { IOError } from '../errors.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory, then `rename`.
 * A crash mid-write leaves either the old file or the new one, never a torn file.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw new IOError({ fn: 'writeFileAtomic', problem: `could not write ${path}` }, { cause });
  }
}

/**
 * An IOHandler that saves a model as `<dir>/model.json` + `<dir>/weights.bin` (the layout of
 * tfjs-node's `file://` handler, so either can read the other's files) and loads it back.
 * Writes are atomic: the weights first, then `model.json`, each through a temp file + rename.
 *
 * @param dir Directory to write to or read from (created on save).
 * @example
 * ```ts
 * await model.save(fileSystem('runs/backbone'));
 * const again = await tf.loadLayersModel(fileSystem('runs/backbone'));
 * ```
 */
export function fileSystem(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new IOError({
          fn: 'fileSystem.save',
          problem: 'binary model topologies are not supported',
          fix: 'Save a LayersModel (JSON topology)',
        });
      }
      const weightBuffer =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weightBuffer));
      writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({
          ...artifacts,
          weightData: weightBuffer,
        }),
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(dir, MODEL_FILE);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
      } catch (cause) {
        throw new IOError(
          {
            fn: 'fileSystem.load',
            problem: `could not read ${modelPath}`,
            fix: 'Check the directory was written by model.save(fileSystem(dir))',
          },
          { cause },
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of modelJson.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const file = join(dir, p);
          try {
            const bytes = readFileSync(file);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          } catch (cause) {
            throw new IOError(
              { fn: 'fileSystem.load', problem: `could not read ${file}` },
              { cause },
            );
          }
        }
      }
      const weightData = tf.io.CompositeArrayBuffer.join(buffers);
      const expected = specs.reduce(
        (n, s) =>
          n +
          s.shape.reduce((a, b) => a * b, 1) *
            (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1),
        0,
      );
      if (!specs.some((s) => s.quantization) && weightData.byteLength < expected) {
        throw new IOError({
          fn: 'fileSystem.load',
          problem: `weights in ${dir} are truncated`,
          expected: `${expected} bytes`,
          got: `${weightData.byteLength} bytes`,
        });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async () => [specs, weightData]);
    },
  };
}
