/**
 * `tumorxai`: the TumorXAI experiment CLI — the demo on synthetic phantoms, the paper's full
 * experiment, and its stages one by one.
 */
import { TumorxaiError } from '@tumorxai/core';
import { Command, Option } from 'commander';
import { registerBench } from './commands/bench.js';
import { integer } from './commands/common.js';
import { registerDemo } from './commands/demo.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExplain } from './commands/explain.js';
import { registerPhantoms } from './commands/phantoms.js';
import { registerPretrain } from './commands/pretrain.js';
import { registerReproduce } from './commands/reproduce.js';

const program = new Command('tumorxai')
  .description(
    'Self-supervised learning and explainable AI for brain MRI (TumorXAI, arXiv 2605.01999)',
  )
  .addOption(
    new Option('--backend <name>', 'TensorFlow.js backend; auto tries node-gpu, node, wasm, cpu')
      .choices(['auto', 'node-gpu', 'node', 'wasm', 'cpu'])
      .default('auto'),
  )
  .option('--seed <n>', "override the config's seed", integer)
  .option('--cache <dir>', 'cache of phantoms and preprocessed images', '.cache/tumorxai')
  .option(
    '--threads <n>',
    'XNNPACK threads of the wasm backend (default 1: for the demo-sized networks a second thread saves no time and costs CPU; try the core count for ResNet-50)',
    integer,
    1,
  )
  .option('--quiet', 'no progress bars (also off when not on a terminal or when CI is set)')
  .showHelpAfterError();

registerDemo(program);
registerReproduce(program);
registerPretrain(program);
registerEvaluate(program);
registerExplain(program);
registerPhantoms(program);
registerBench(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof TumorxaiError) {
    console.error(`\n${error.name} (${error.code}): ${error.message}`);
    if (error.code === 'E_ABORTED')
      console.error('Run the same command with --resume to continue.');
    process.exitCode = error.code === 'E_ABORTED' ? 130 : 1;
  } else if (error instanceof Error) {
    console.error(`\n${error.stack ?? error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
