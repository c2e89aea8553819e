/**
 * The Markdown results table.
 */
import type { ExperimentResults, ResultRow } from './results.js';

const pct = (v: number) => (100 * v).toFixed(1);
const withCi = (v: number, ci: [number, number]) => `${pct(v)} [${pct(ci[0])}, ${pct(ci[1])}]`;
const fraction = (f: number) => `${Number((100 * f).toPrecision(3))} %`;

/** Sorts rows by protocol, label fraction and method, keeping the given order of methods. */
function ordered(rows: ResultRow[]): ResultRow[] {
  const methods = [...new Set(rows.map((r) => r.method))];
  const protocols = [...new Set(rows.map((r) => r.protocol))];
  return [...rows].sort(
    (a, b) =>
      protocols.indexOf(a.protocol) - protocols.indexOf(b.protocol) ||
      a.labelFraction - b.labelFraction ||
      methods.indexOf(a.method) - methods.indexOf(b.method),
  );
}

/**
 * The results table as Markdown: one line per method × protocol × label fraction with accuracy
 * and macro-F1 with their bootstrap intervals, balanced accuracy, macro precision / recall,
 * Cohen's κ and the sample counts; then links to the plots and the run's metadata.
 * A pure function of the results document.
 *
 * @example
 * ```ts
 * writeFileSync('results.md', resultsMarkdown(readResults('results.json')));
 * ```
 */
export function resultsMarkdown(results: ExperimentResults): string {
  const level = `${Math.round(100 * results.confidence)} %`;
  const lines = [
    `# ${results.title}`,
    '',
    `${results.rows.length} evaluations, ${results.classNames.length} classes, run ${results.createdAt}. ` +
      `Percentages; brackets: ${level} percentile-bootstrap intervals over the test images ` +
      `(${results.resamples} resamples).`,
    '',
    `| method | protocol | labels | train / test | accuracy | macro F1 | balanced acc. | macro P | macro R | κ | top-5 |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of ordered(results.rows)) {
    lines.push(
      `| ${r.method} | ${r.protocol} | ${fraction(r.labelFraction)} | ${r.trainSize} / ${r.testSize} | ` +
        `${withCi(r.accuracy, r.accuracyCi)} | ${withCi(r.macroF1, r.macroF1Ci)} | ` +
        `${pct(r.balancedAccuracy)} | ${pct(r.macroPrecision)} | ${pct(r.macroRecall)} | ` +
        `${r.kappa.toFixed(3)} | ${r.top5 === null ? '–' : pct(r.top5)} |`,
    );
  }
  const plots = results.rows.filter((r) => r.plots?.confusion);
  if (plots.length > 0 || results.plots) {
    lines.push('', '## Plots', '');
    if (results.plots?.trainingCurves) {
      lines.push(
        `- Training curves: [${results.plots.trainingCurves}](${results.plots.trainingCurves})`,
      );
    }
    for (const r of plots) {
      lines.push(
        `- Confusion matrix, ${r.method} · ${r.protocol} · ${fraction(r.labelFraction)}: [${r.plots!.confusion}](${r.plots!.confusion})`,
      );
    }
    for (const file of results.plots?.extra ?? []) lines.push(`- [${file}](${file})`);
  }
  if (Object.keys(results.meta).length > 0) {
    lines.push('', '## Run', '', '```json', JSON.stringify(results.meta, null, 2), '```');
  }
  return `${lines.join('\n')}\n`;
}
