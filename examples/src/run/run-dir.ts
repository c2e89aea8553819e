/**
 * A run directory: `run.json` records the configuration, versions, backend, seed, every
 * session and every finished stage with its timing, so that `--resume` skips what is done.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, writeFileAtomic } from '@tumorxai/core';
import type { ExperimentConfig } from '../config/schema.js';
import type { Reporter } from './progress.js';
import { packageVersions } from './versions.js';

/** A finished stage. */
export interface StageRecord {
  seconds: number;
  finishedAt: string;
  summary?: Record<string, unknown>;
}

/** One invocation of the CLI on this run. */
export interface SessionRecord {
  startedAt: string;
  finishedAt?: string;
  command: string;
  backend: string;
  resumed: boolean;
  stagesRun: string[];
  stagesSkipped: string[];
  seconds?: number;
}

/** The contents of `run.json`. */
export interface RunManifest {
  format: 'tumorxai-run';
  version: 1;
  name: string;
  createdAt: string;
  config: ExperimentConfig;
  configHash: string;
  /** The dataset folder, or the phantom folder that was generated. */
  data: string;
  seed: number;
  versions: Record<string, string>;
  sessions: SessionRecord[];
  stages: Record<string, StageRecord>;
}

/** SHA-256 of the canonical JSON of a configuration. */
export function configHash(config: ExperimentConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** Options of {@link RunDir.open}. */
export interface OpenRunOptions {
  config: ExperimentConfig;
  data: string;
  backend: string;
  command: string;
  resume: boolean;
  reporter: Reporter;
}

/** See the module comment. */
export class RunDir {
  private readonly began = performance.now();
  private readonly session: SessionRecord;

  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
    private readonly reporter: Reporter,
  ) {
    this.session = manifest.sessions.at(-1)!;
  }

  /**
   * Opens `dir` for a run: with `resume`, continues the run there (its configuration and data
   * must be the same); without, starts afresh (a previous run in `dir` is deleted).
   *
   * @throws {ConfigError} when resuming a run of another configuration or dataset, or when `dir`
   *   holds files that are not a run.
   */
  static open(dir: string, options: OpenRunOptions): RunDir {
    const path = resolve(dir);
    const manifestPath = join(path, 'run.json');
    const hash = configHash(options.config);
    const session: SessionRecord = {
      startedAt: new Date().toISOString(),
      command: options.command,
      backend: options.backend,
      resumed: false,
      stagesRun: [],
      stagesSkipped: [],
    };
    if (existsSync(manifestPath) && options.resume) {
      const previous = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
      if (previous.configHash !== hash || previous.data !== options.data) {
        throw new ConfigError({
          fn: 'tumorxai',
          problem: `the run in ${path} was started with another configuration or dataset`,
          expected: `config ${previous.configHash} on ${previous.data}`,
          got: `config ${hash} on ${options.data}`,
          fix: 'Resume with the same --config/--data/--seed, or choose another --out',
        });
      }
      session.resumed = true;
      previous.sessions.push(session);
      previous.versions = packageVersions();
      const run = new RunDir(path, previous, options.reporter);
      run.save();
      return run;
    }
    if (existsSync(path) && readdirSync(path).length > 0) {
      if (!existsSync(manifestPath)) {
        throw new ConfigError({
          fn: 'tumorxai',
          problem: `${path} exists and is not a TumorXAI run directory`,
          fix: 'Choose an empty or new --out folder',
        });
      }
      options.reporter.log(
        `Starting afresh in ${path} (pass --resume to continue the previous run).`,
      );
      rmSync(path, { recursive: true, force: true });
    }
    mkdirSync(path, { recursive: true });
    const manifest: RunManifest = {
      format: 'tumorxai-run',
      version: 1,
      name: options.config.name,
      createdAt: session.startedAt,
      config: options.config,
      configHash: hash,
      data: options.data,
      seed: options.config.seed,
      versions: packageVersions(),
      sessions: [session],
      stages: {},
    };
    const run = new RunDir(path, manifest, options.reporter);
    run.save();
    return run;
  }

  /** A path inside the run directory (parent folders are created). */
  path(...parts: string[]): string {
    const p = join(this.dir, ...parts);
    mkdirSync(join(p, '..'), { recursive: true });
    return p;
  }

  isDone(stage: string): boolean {
    return stage in this.manifest.stages;
  }

  /**
   * Runs `fn` as stage `name` unless it is already done; records its time and summary.
   * The stage must write its outputs itself (atomically) before returning.
   */
  async stage(
    name: string,
    fn: () => Promise<Record<string, unknown> | undefined>,
  ): Promise<'ran' | 'skipped'> {
    if (this.isDone(name)) {
      this.session.stagesSkipped.push(name);
      this.reporter.log(`✓ ${name} (done earlier, skipped)`);
      return 'skipped';
    }
    this.reporter.log(`▶ ${name}`);
    const began = performance.now();
    const summary = await fn();
    const seconds = (performance.now() - began) / 1000;
    this.manifest.stages[name] = { seconds, finishedAt: new Date().toISOString(), summary };
    this.session.stagesRun.push(name);
    this.save();
    this.reporter.log(`✓ ${name} (${seconds.toFixed(1)} s)`);
    return 'ran';
  }

  /** Marks the session finished and writes `run.json`. */
  finish(): void {
    this.session.finishedAt = new Date().toISOString();
    this.session.seconds = (performance.now() - this.began) / 1000;
    this.save();
  }

  save(): void {
    writeFileAtomic(join(this.dir, 'run.json'), `${JSON.stringify(this.manifest, null, 2)}\n`);
  }
}
