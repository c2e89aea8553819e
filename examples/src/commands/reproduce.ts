/**
 * `tumorxai reproduce`: the paper's full experiment matrix on a dataset folder.
 */
import { ConfigError } from '@tumorxai/core';
import type { Command } from 'commander';
import { METHODS, type MethodName } from '../config/schema.js';
import { runExperiment } from '../pipeline/experiment.js';
import { commandLine, configFor, globals, userPath } from './common.js';

const HELP = `
The paper run (arXiv 2605.01999) on the 17-class brain MRI dataset, on an NVIDIA GPU:

  npm install @tensorflow/tfjs-node-gpu@4.22.0   # needs CUDA 11.2 + cuDNN 8.1, see docs/gpu.md
  tumorxai reproduce --data "/data/Brain Tumor MRI Images 17 Classes" --config paper --backend node-gpu

It runs, as resumable stages in the run directory (default runs/<config name>):
  data         scan, duplicate/leakage report, stratified train/val/test split (duplicates kept
               in one split), nested 1 % / 10 % / 100 % label fractions
  pretrain     SimCLR, BYOL, MoCo v3 and DINO on a ResNet-50 (224 px), on every training image
  evaluate     linear probe and fine-tuning at each label fraction, k-NN, random init, and the
               supervised baseline at the same fractions, with 95 % bootstrap intervals
  explain      Grad-CAM / Grad-CAM++ / EigenCAM gallery of every method
  report       results.md, results.json, confusion matrices and training curves (PNG)

configs/paper.json holds the settings and says which come from the original papers and which are
ours. --config quick runs the same pipeline small; --config FILE takes your own JSON.
Interrupt with Ctrl-C (a checkpoint is written) and continue with --resume.`;

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(
      "run the paper's full matrix: 4 SSL methods × linear probe / fine-tune × label fractions, supervised baseline, CAM galleries, one results table",
    )
    .option(
      '--data <dir>',
      'dataset folder, one sub-folder per class (default: phantoms from the config)',
    )
    .option('--config <name|file>', 'paper, quick, demo, ci, or a JSON file', 'quick')
    .option('--out <dir>', 'run directory (default runs/<config name>)')
    .option('--methods <list>', `comma-separated subset of ${METHODS.join(',')}`)
    .option('--resume', 'continue an interrupted run: finished stages are skipped', false)
    .addHelpText('after', HELP)
    .action(
      async (
        options: { data?: string; config: string; out?: string; methods?: string; resume: boolean },
        command: Command,
      ) => {
        const global = globals(command);
        let config = configFor(options.config, global);
        if (options.methods) {
          const methods = options.methods.split(',').map((m) => m.trim());
          const unknown = methods.filter((m) => !(METHODS as readonly string[]).includes(m));
          if (unknown.length) {
            throw new ConfigError({
              fn: 'tumorxai reproduce',
              problem: '--methods names an unknown method',
              expected: METHODS.join(', '),
              got: unknown.join(', '),
            });
          }
          config = {
            ...config,
            pretrain: { ...config.pretrain, methods: methods as MethodName[] },
          };
        }
        await runExperiment({
          config,
          data: options.data ? userPath(options.data) : undefined,
          out: userPath(options.out ?? `runs/${config.name}`),
          cacheDir: userPath(global.cache),
          backend: global.backend,
          threads: global.threads,
          resume: options.resume,
          quiet: global.quiet ?? false,
          command: commandLine(),
        });
      },
    );
}
