/**
 * Helpers of the CLI tests: run `src/cli.ts` as a child process (directly, not through the bin
 * wrapper, so that a kill reaches the process that trains).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Starts the CLI with `args` (CI=1: no progress bars). */
export function startCli(args: string[]): {
  child: ChildProcess;
  output: () => string;
  done: Promise<number>;
} {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
    cwd: examplesDir,
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => {
    text += d;
  });
  child.stderr!.on('data', (d) => {
    text += d;
  });
  const done = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { child, output: () => text, done };
}

/** Runs the CLI to the end. */
export async function runCli(args: string[]): Promise<{ code: number; output: string }> {
  const run = startCli(args);
  const code = await run.done;
  return { code, output: run.output() };
}
