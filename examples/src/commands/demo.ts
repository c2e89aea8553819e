/**
 * `tumorxai demo`: the end-to-end demo on synthetic phantoms.
 */
import { type Command, Option } from 'commander';
import { runExperiment } from '../pipeline/experiment.js';
import { commandLine, configFor, globals, userPath } from './common.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'generate synthetic MRI phantoms, pretrain SimCLR on a tiny ResNet, compare its linear probe with random init and a supervised baseline, draw CAM galleries, and write results.md / results.json / PNGs (CPU, no network)',
    )
    .addOption(
      new Option('--preset <name>', 'size of the demo').choices(['demo', 'ci']).default('demo'),
    )
    .option('--out <dir>', 'run directory', 'runs/demo')
    .option('--resume', 'continue an interrupted run: finished stages are skipped', false)
    .action(async (options: { preset: string; out: string; resume: boolean }, command: Command) => {
      const global = globals(command);
      const config = configFor(options.preset, global);
      await runExperiment({
        config,
        out: userPath(options.out),
        cacheDir: userPath(global.cache),
        backend: global.backend,
        threads: global.threads,
        resume: options.resume,
        quiet: global.quiet ?? false,
        command: commandLine(),
      });
    });
}
