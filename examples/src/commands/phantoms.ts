/**
 * `tumorxai phantoms`: write the synthetic phantom dataset.
 */
import { generatePhantomDataset } from '@tumorxai/mri-preprocess';
import type { Command } from 'commander';
import { integer, userPath } from './common.js';

export function registerPhantoms(program: Command): void {
  program
    .command('phantoms')
    .description(
      'write synthetic brain-MRI phantoms in the 17-class folder layout of the real dataset (JPEG)',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option('--per-class <n>', 'images per class', integer, 40)
    .option('--size <px>', 'image side in pixels', integer, 128)
    .option('--seed <n>', 'seed (same seed, same pixels)', integer, 0)
    .action(async (options: { out: string; perClass: number; size: number; seed: number }) => {
      const out = userPath(options.out);
      const dataset = await generatePhantomDataset({
        outDir: out,
        imagesPerClass: options.perClass,
        size: options.size,
        seed: options.seed,
      });
      console.log(`${dataset.files.length} images in ${dataset.classes.length} classes → ${out}`);
    });
}
