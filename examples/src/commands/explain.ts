/**
 * `tumorxai explain`: a CAM overlay of one image from a saved model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { defaultCamLayer } from '@tumorxai/backbone-resnet';
import { ConfigError, initBackend } from '@tumorxai/core';
import { decodeImage, imagesToTensor, preprocessImage } from '@tumorxai/mri-preprocess';
import { EigenCam, encodePng, GradCam, GradCamPlusPlus, overlayHeatmap } from '@tumorxai/xai-cam';
import { type Command, Option } from 'commander';
import { CAM_METHODS, type CamMethodName } from '../config/schema.js';
import { enableWasmThreads } from '../pipeline/experiment.js';
import { loadModelFile } from '../pipeline/model-file.js';
import { globals, integer, userPath } from './common.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('write the CAM overlay (PNG) of one image for a saved model')
    .requiredOption('--image <file>', 'a JPEG / PNG slice')
    .requiredOption(
      '--checkpoint <file>',
      'a model.safetensors / backbone.safetensors written by the CLI',
    )
    .addOption(new Option('--cam <name>', 'explainer').choices([...CAM_METHODS]).default('gradcam'))
    .option('--class <id>', 'class to explain (default: the predicted class)', integer)
    .option('--out <file>', 'output PNG (default: <image>.<cam>.png next to the image)')
    .option('--scale <n>', 'magnification of the overlay (default: to about 256 px)', integer)
    .action(
      async (
        options: {
          image: string;
          checkpoint: string;
          cam: CamMethodName;
          class?: number;
          out?: string;
          scale?: number;
        },
        command: Command,
      ) => {
        const global = globals(command);
        if (global.backend === 'auto' || global.backend === 'wasm') {
          await enableWasmThreads(global.threads, {
            log: () => {},
            bar: () => ({ update() {}, stop() {} }),
          });
        }
        await initBackend(global.backend, { logger: null });
        const { model, info } = loadModelFile(userPath(options.checkpoint));
        try {
          if (info.numClasses === null && options.cam !== 'eigencam') {
            throw new ConfigError({
              fn: 'tumorxai explain',
              problem: `${options.checkpoint} is a backbone without a classifier, so there is no class to explain with ${options.cam}`,
              fix: 'Use --cam eigencam, or a model with a classifier (e.g. <run>/eval/supervised-model.safetensors)',
            });
          }
          const [height, width, channels] = info.inputShape;
          const decoded = await decodeImage(readFileSync(userPath(options.image)));
          const prepared = preprocessImage(decoded, {
            size: [height, width],
            cropToForeground: info.cropToForeground,
          });
          const images = imagesToTensor([prepared], channels as 1 | 3);
          const targetLayer = defaultCamLayer(model);
          const cam =
            options.cam === 'gradcam'
              ? new GradCam(model, { targetLayer })
              : options.cam === 'gradcam++'
                ? new GradCamPlusPlus(model, { targetLayer })
                : new EigenCam(model, { targetLayer });
          let predicted: number | null = null;
          if (info.numClasses !== null) {
            const p = tf.tidy(() => tf.softmax(model.predict(images) as tf.Tensor2D));
            const probs = Array.from(p.dataSync());
            p.dispose();
            predicted = probs.indexOf(Math.max(...probs));
            console.log(
              `Predicted: ${info.classNames[predicted] ?? predicted} (p = ${probs[predicted]!.toFixed(3)})`,
            );
          }
          const target = options.class ?? predicted ?? undefined;
          const map = cam.explain(images, target === undefined ? {} : { targets: [target] });
          cam.dispose();
          const scale = options.scale ?? Math.max(1, Math.round(256 / height));
          const overlay = tf.tidy(() => {
            const image = tf.squeeze(images, [0]);
            const rgb = overlayHeatmap(
              channels === 3 ? tf.mean(image, 2, true) : image,
              tf.squeeze(map, [0]),
            );
            if (scale === 1) return rgb;
            const big = tf.image.resizeNearestNeighbor(tf.cast(rgb, 'float32'), [
              height * scale,
              width * scale,
            ]);
            return tf.cast(big, 'int32');
          });
          const out = userPath(
            options.out ??
              `${options.image.slice(0, -extname(options.image).length)}.${options.cam.replace('++', 'pp')}.png`,
          );
          writeFileSync(out, await encodePng(overlay));
          tf.dispose([images, map, overlay]);
          console.log(
            `${options.cam} of ${basename(options.image)}${target === undefined ? '' : ` for class ${info.classNames[target] ?? target}`} → ${out}`,
          );
        } finally {
          model.dispose();
        }
      },
    );
}
