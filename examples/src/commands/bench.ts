/**
 * `tumorxai bench`: the repository's benchmark runner (`npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'run benchmark suites (bench/suites/*.bench.ts); results go to bench/results/<suite>.json',
    )
    .argument('[suites...]', 'suites to run (default: all)')
    .option('--torch', 'add the PyTorch comparison rows where a suite has them')
    .action((suites: string[], options: { torch?: boolean }) => {
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      const runner = `${root}bench/run.ts`;
      if (!existsSync(runner))
        throw new Error(`bench: ${runner} not found (run from a clone of the repository)`);
      const args = ['--conditions=source', '--import', 'tsx', runner, ...suites];
      if (options.torch) args.push('--torch');
      const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
      if (result.error) throw result.error;
      process.exitCode = result.status ?? 1;
    });
}
