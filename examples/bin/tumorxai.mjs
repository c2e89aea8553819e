#!/usr/bin/env node
// Runs the TypeScript CLI from source, with no build step: Node resolves `@tumorxai/*` through
// their `source` export condition and tsx compiles the TypeScript on the fly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);
