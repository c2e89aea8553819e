/**
 * `npm run bench [-- <suite> ...] [--torch]`: runs benchmark suites from `bench/suites/` and
 * writes `bench/results/<suite>.json` (machine, versions, date, rows). See `bench/types.ts`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from './types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const selected = args.filter((a) => !a.startsWith('--'));

const files = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const available = files.map((f) => f.replace(/\.bench\.ts$/, ''));
const unknown = selected.filter((s) => !available.includes(s));
if (unknown.length) {
  console.error(
    `bench: unknown suite(s) ${unknown.join(', ')}. Available: ${available.join(', ') || 'none'}`,
  );
  process.exit(2);
}
if (available.length === 0) {
  console.error('bench: no suites in bench/suites/');
  process.exit(1);
}
const log = (message: string) => process.stderr.write(`${message}\n`);
mkdirSync(join(here, 'results'), { recursive: true });

for (const name of selected.length ? selected : available) {
  const { suite } = (await import(
    pathToFileURL(join(here, 'suites', `${name}.bench.ts`)).href
  )) as {
    suite: BenchSuite;
  };
  log(`\n# ${suite.name}: ${suite.description}`);
  const started = Date.now();
  const rows = await suite.run({ flags, log });
  const result = {
    suite: suite.name,
    description: suite.description,
    date: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, memoryGiB: totalmem() / 2 ** 30 },
    node: process.version,
    flags: [...flags],
    rows,
  };
  const out = join(here, 'results', `${suite.name}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${suite.name} (${result.seconds.toFixed(0)} s) → ${out}`);
  console.table(Object.fromEntries(rows.map((r) => [r.name, r.metrics])));
}
