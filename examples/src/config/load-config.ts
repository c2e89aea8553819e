/**
 * Loads an experiment configuration: a preset name (`paper`, `quick`, `demo`, `ci`) or a JSON
 * file, validated against {@link configSchema}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tumorxai/core';
import { z } from 'zod';
import { configSchema, type ExperimentConfig } from './schema.js';

/** The presets shipped in `examples/configs/`. */
export const PRESETS = ['paper', 'quick', 'demo', 'ci'] as const;

/** Path of a preset's JSON file. */
export function presetPath(name: string): string {
  return fileURLToPath(new URL(`../../configs/${name}.json`, import.meta.url));
}

/**
 * Validates a parsed configuration.
 *
 * @throws {ConfigError} listing every invalid field with its path.
 */
export function parseConfig(value: unknown, source: string): ExperimentConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError({
      fn: 'tumorxai',
      problem: `the configuration ${source} is invalid:\n${z.prettifyError(result.error)}`,
      fix: 'Fix these fields (see examples/configs/quick.json for a complete example)',
    });
  }
  return result.data;
}

/**
 * Reads `nameOrPath`: one of {@link PRESETS} or a JSON file.
 *
 * @throws {ConfigError} for an unknown preset, an unreadable file or an invalid configuration.
 */
export function loadConfig(nameOrPath: string): ExperimentConfig {
  const path = (PRESETS as readonly string[]).includes(nameOrPath)
    ? presetPath(nameOrPath)
    : nameOrPath;
  if (!existsSync(path)) {
    throw new ConfigError({
      fn: 'tumorxai',
      problem: `no configuration ${nameOrPath}`,
      expected: `one of ${PRESETS.join(', ')} or a JSON file`,
      got: nameOrPath,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError({
      fn: 'tumorxai',
      problem: `${path} is not valid JSON`,
      got: String(cause),
    });
  }
  return parseConfig(value, path);
}
