/**
 * `tumorxai evaluate`: evaluate a saved backbone with the configured protocols.
 */
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { runExperiment } from '../pipeline/experiment.js';
import { commandLine, configFor, globals, userPath } from './common.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'evaluate a saved backbone (linear probe, k-NN, fine-tune at each label fraction) and write a report with its CAM gallery',
    )
    .requiredOption('--checkpoint <file>', 'a backbone.safetensors written by `tumorxai pretrain`')
    .option('--name <name>', 'name of the backbone in the results (default: its method)')
    .option('--data <dir>', 'dataset folder (default: phantoms from the config)')
    .option('--config <name|file>', 'paper, quick, demo, ci, or a JSON file', 'quick')
    .option('--out <dir>', 'run directory (default runs/<config name>-evaluate)')
    .option('--resume', 'skip the evaluations already done', false)
    .action(
      async (
        options: {
          checkpoint: string;
          name?: string;
          data?: string;
          config: string;
          out?: string;
          resume: boolean;
        },
        command: Command,
      ) => {
        const global = globals(command);
        const config = configFor(options.config, global);
        const path = userPath(options.checkpoint);
        const name = options.name ?? basename(dirname(path));
        await runExperiment({
          config,
          data: options.data ? userPath(options.data) : undefined,
          out: userPath(options.out ?? `runs/${config.name}-evaluate`),
          cacheDir: userPath(global.cache),
          backend: global.backend,
          threads: global.threads,
          resume: options.resume,
          quiet: global.quiet ?? false,
          command: commandLine(),
          checkpoint: { path, name },
        });
      },
    );
}
