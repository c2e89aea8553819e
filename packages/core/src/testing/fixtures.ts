import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IOError } from '../errors.js';
import { type DecodedSafetensors, decodeSafetensors } from '../safetensors.js';

/**
 * Locates the shared reference fixtures: `$TUMORXAI_FIXTURES` if set, else the first
 * `shared/fixtures` found walking up from the current directory (CI checks the repo out with
 * `../shared` beside it).
 *
 * @throws {IOError} when no fixture directory exists.
 */
export function fixturesDir(): string {
  const fromEnv = process.env.TUMORXAI_FIXTURES;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new IOError({
        fn: 'fixturesDir',
        problem: `TUMORXAI_FIXTURES=${fromEnv} does not exist`,
      });
    }
    return resolve(fromEnv);
  }
  let dir = process.cwd();
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new IOError({
    fn: 'fixturesDir',
    problem: 'could not find shared/fixtures above the current directory',
    fix: 'Check out ../shared beside the repository or set TUMORXAI_FIXTURES',
  });
}

/** Absolute path of a file under the fixtures directory. */
export function fixturePath(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}

/** Parses a JSON fixture, e.g. `loadJsonFixture('ssl/simclr_01.json')`. */
export function loadJsonFixture<T = Record<string, unknown>>(relativePath: string): T {
  return JSON.parse(readFileSync(fixturePath(relativePath), 'utf8')) as T;
}

/** Decodes a safetensors fixture without creating tensors. */
export function loadSafetensorsFixture(relativePath: string): DecodedSafetensors {
  return decodeSafetensors(readFileSync(fixturePath(relativePath)));
}
