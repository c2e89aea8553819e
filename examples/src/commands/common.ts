/**
 * Options and helpers shared by the commands.
 */
import { resolve } from 'node:path';
import type { BackendPreference } from '@tumorxai/core';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config.js';
import type { ExperimentConfig } from '../config/schema.js';

/** Global options (see `cli.ts`). */
export interface GlobalOptions {
  backend: BackendPreference;
  seed?: number;
  quiet?: boolean;
  cache: string;
  threads: number;
}

/**
 * Where relative paths are resolved: the folder the user ran the command from. `npm run demo`
 * runs the script inside `examples/`, but npm passes the original folder as `INIT_CWD`.
 */
export function baseDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/** A user path resolved against {@link baseDir}. */
export function userPath(path: string): string {
  return resolve(baseDir(), path);
}

/** Parses an integer option. */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`expected an integer, got "${value}"`);
  return n;
}

/** The global options of a command. */
export function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/** Loads a config and applies `--seed`. */
export function configFor(nameOrPath: string, options: GlobalOptions): ExperimentConfig {
  const looksLikeFile = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  const config = loadConfig(looksLikeFile ? userPath(nameOrPath) : nameOrPath);
  return options.seed === undefined ? config : { ...config, seed: options.seed };
}

/** The command line, for the run record. */
export function commandLine(): string {
  return ['tumorxai', ...process.argv.slice(2)].join(' ');
}
