#!/usr/bin/env node
/**
 * Checks what each published package would ship: publint (exports map, files), attw (types
 * for import and require), and the `npm pack --dry-run` file list (no tests, fixtures or source
 * maps). Needs `npm run build` first. Exits non-zero on any problem.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = readdirSync(join(root, 'packages')).sort();
const forbidden = [
  /(^|\/)test\//,
  /\.test\.[cm]?[jt]s$/,
  /(^|\/)fixtures?\//,
  /\.map$/,
  /\.tsbuildinfo$/,
];
let failures = 0;

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

for (const name of packages) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`✗ ${name}: no dist/ — run npm run build first`);
    failures++;
    continue;
  }
  const problems = [];
  const publint = run(join(root, 'node_modules/.bin/publint'), ['--strict', '.'], dir);
  if (!publint.ok) problems.push(`publint:\n${publint.out}`);
  const attw = run(
    join(root, 'node_modules/.bin/attw'),
    ['--pack', '.', '--profile', 'node16', '--format', 'ascii'],
    dir,
  );
  if (!attw.ok) problems.push(`attw:\n${attw.out}`);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
    }),
  );
  const files = packed[0].files.map((f) => f.path);
  const bad = files.filter((f) => forbidden.some((re) => re.test(f)));
  if (bad.length) problems.push(`tarball ships files it must not: ${bad.join(', ')}`);
  if (problems.length) {
    failures++;
    console.error(`✗ @tumorxai/${name}\n  ${problems.join('\n  ')}`);
  } else {
    console.log(
      `✓ @tumorxai/${name} (${files.length} files, ${(packed[0].size / 1024).toFixed(1)} kB packed)`,
    );
  }
}
process.exit(failures ? 1 : 0);
