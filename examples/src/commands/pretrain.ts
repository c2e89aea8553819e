/**
 * `tumorxai pretrain`: pretrain one method (the `data` and `pretrain:<method>` stages).
 */
import { type Command, Option } from 'commander';
import { METHODS, type MethodName } from '../config/schema.js';
import { runExperiment } from '../pipeline/experiment.js';
import { commandLine, configFor, globals, userPath } from './common.js';

export function registerPretrain(program: Command): void {
  program
    .command('pretrain')
    .description(
      'pretrain one self-supervised method; writes <out>/pretrain/<method>/backbone.safetensors (a torchvision state_dict)',
    )
    .addOption(
      new Option('--method <name>', 'the method').choices([...METHODS]).makeOptionMandatory(),
    )
    .option('--data <dir>', 'dataset folder (default: phantoms from the config)')
    .option('--config <name|file>', 'paper, quick, demo, ci, or a JSON file', 'quick')
    .option('--out <dir>', 'run directory (default runs/<config name>-<method>)')
    .option('--resume', 'continue from the last checkpoint', false)
    .action(
      async (
        options: {
          method: MethodName;
          data?: string;
          config: string;
          out?: string;
          resume: boolean;
        },
        command: Command,
      ) => {
        const global = globals(command);
        const base = configFor(options.config, global);
        const config = { ...base, pretrain: { ...base.pretrain, methods: [options.method] } };
        await runExperiment({
          config,
          data: options.data ? userPath(options.data) : undefined,
          out: userPath(options.out ?? `runs/${config.name}-${options.method}`),
          cacheDir: userPath(global.cache),
          backend: global.backend,
          threads: global.threads,
          resume: options.resume,
          quiet: global.quiet ?? false,
          command: commandLine(),
          parts: { pretrain: true, evaluate: false, explain: false },
        });
      },
    );
}
