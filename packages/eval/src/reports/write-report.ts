/**
 * Writes a report folder: `results.json`, `results.md` and the PNG plots, all derived from the
 * results document — so the same JSON always gives the same table and plots.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@tumorxai/core';
import { resultsMarkdown } from './markdown.js';
import { confusionMatrixSpec, rowLabel, trainingCurvesSpec } from './plots.js';
import { type RenderPngOptions, renderPng } from './render.js';
import type { ExperimentResults, ResultRow } from './results.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Render the PNG plots (default true). */
  plots?: boolean;
  /** Rendering options of the plots. */
  render?: RenderPngOptions;
}

/** What {@link writeReport} wrote (absolute or `dir`-based paths). */
export interface WrittenReport {
  json: string;
  markdown: string;
  plots: string[];
  /** The document as written (with the plot file names filled in). */
  results: ExperimentResults;
}

/** A file-name-safe slug of a row: `simclr-linear-probe-10pct`. */
export function rowSlug(row: Pick<ResultRow, 'method' | 'protocol' | 'labelFraction'>): string {
  const pct = Number((100 * row.labelFraction).toPrecision(3));
  return `${row.method}-${row.protocol}-${pct}pct`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
}

/**
 * Writes `results.json`, `results.md`, one `confusion-<row>.png` per row and
 * `training-curves.png` (when a row has a training history) into `dir` (created). Files are
 * written atomically. The plot file names are recorded in the written JSON, so
 * `writeReport(readResults(dir + '/results.json'), otherDir)` reproduces the folder.
 *
 * @returns The paths written and the document with its plot names.
 * @throws {IOError} when a file cannot be written.
 * @example
 * ```ts
 * await writeReport({ format: 'tumorxai-results', version: 1, title: 'Demo', createdAt: new Date().toISOString(),
 *   classNames, confidence: 0.95, resamples: 1000, rows, meta: { seed: 0 } }, 'runs/demo');
 * ```
 */
export async function writeReport(
  results: ExperimentResults,
  dir: string,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const drawPlots = options.plots ?? true;
  const written: string[] = [];
  const rows = results.rows.map((row): ResultRow => {
    const { plots: _old, ...rest } = row;
    return drawPlots ? { ...rest, plots: { confusion: `confusion-${rowSlug(row)}.png` } } : rest;
  });
  const withHistory = rows.filter((r) => r.history.length > 0);
  const plots: ExperimentResults['plots'] = { ...(results.plots ?? {}) };
  delete plots.trainingCurves;
  if (drawPlots && withHistory.length > 0) plots.trainingCurves = 'training-curves.png';
  const document: ExperimentResults = { ...results, rows, plots };
  if (drawPlots) {
    for (const row of rows) {
      const file = join(dir, row.plots?.confusion ?? `confusion-${rowSlug(row)}.png`);
      const spec = confusionMatrixSpec(row.confusion, results.classNames, {
        title: `Confusion matrix — ${rowLabel(row)} (accuracy ${(100 * row.accuracy).toFixed(1)} %)`,
      });
      writeFileAtomic(file, await renderPng(spec, options.render));
      written.push(file);
    }
    if (plots.trainingCurves) {
      const file = join(dir, plots.trainingCurves);
      writeFileAtomic(file, await renderPng(trainingCurvesSpec(withHistory), options.render));
      written.push(file);
    }
  }
  const markdown = join(dir, 'results.md');
  const json = join(dir, 'results.json');
  writeFileAtomic(markdown, resultsMarkdown(document));
  writeFileAtomic(json, `${JSON.stringify(document, null, 2)}\n`);
  return { json, markdown, plots: written, results: document };
}
