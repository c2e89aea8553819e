/**
 * Vega-Lite specifications of the report's plots: confusion matrices and training curves.
 * Pure data → JSON; render them with {@link renderPng} (or any Vega-Lite renderer).
 */
import type { ResultRow } from './results.js';

/** A Vega-Lite specification (JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * A short axis label for a class name: parenthesised lists are dropped (`Glioma (Astrocitoma,
 * …) T1C+` → `Glioma T1C+`) and the rest is cut to `max` characters.
 *
 * @example shortClassName('Meningioma (de Baixo Grau, Atípico) T2') // 'Meningioma T2'
 */
export function shortClassName(name: string, max = 28): string {
  const short =
    name
      .replace(/\s*\([^)]*\)/g, '')
      .replace(/\s+/g, ' ')
      .trim() || name;
  return short.length > max ? `${short.slice(0, max - 1)}…` : short;
}

/** Options of {@link confusionMatrixSpec}. */
export interface ConfusionMatrixSpecOptions {
  title?: string;
  /** Colour by row-normalised rate (recall per class) instead of counts (default true). */
  normalize?: boolean;
  /** Cell side in pixels (default: 28, or less for many classes). */
  cellSize?: number;
}

/**
 * A heatmap of a confusion matrix (rows: true class, columns: predicted), with the count in
 * every non-empty cell; colours are row-normalised by default so that every class's recall is
 * readable whatever its support.
 *
 * @example
 * ```ts
 * const png = await renderPng(confusionMatrixSpec(result.report.confusion, classNames));
 * ```
 */
export function confusionMatrixSpec(
  confusion: number[][],
  classNames: readonly string[],
  options: ConfusionMatrixSpecOptions = {},
): VegaLiteSpec {
  const k = confusion.length;
  const names = Array.from(
    { length: k },
    (_, i) => `${i}: ${shortClassName(classNames[i] ?? `class ${i}`)}`,
  );
  const normalize = options.normalize ?? true;
  const values = [];
  for (let t = 0; t < k; t++) {
    const support = confusion[t]!.reduce((a, b) => a + b, 0);
    for (let p = 0; p < k; p++) {
      const count = confusion[t]![p]!;
      values.push({
        truth: names[t],
        predicted: names[p],
        count,
        rate: support > 0 ? count / support : 0,
        label: count > 0 ? String(count) : '',
      });
    }
  }
  const cell = options.cellSize ?? (k > 12 ? 24 : 36);
  const sort = names;
  return {
    $schema: SCHEMA,
    title: options.title ?? 'Confusion matrix',
    width: cell * k,
    height: cell * k,
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort,
        title: 'predicted class',
        axis: { labelAngle: -60, labelLimit: 320 },
      },
      y: { field: 'truth', type: 'nominal', sort, title: 'true class', axis: { labelLimit: 320 } },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: normalize
            ? {
                field: 'rate',
                type: 'quantitative',
                title: 'row rate',
                scale: { domain: [0, 1], scheme: 'blues' },
              }
            : { field: 'count', type: 'quantitative', title: 'count', scale: { scheme: 'blues' } },
        },
      },
      {
        mark: { type: 'text', fontSize: k > 12 ? 9 : 11 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: {
            condition: { test: normalize ? 'datum.rate > 0.5' : 'datum.count > 0', value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}

/** A short name of a row for legends, e.g. `simclr · linear-probe · 10 %`. */
export function rowLabel(row: Pick<ResultRow, 'method' | 'protocol' | 'labelFraction'>): string {
  return `${row.method} · ${row.protocol} · ${Number((100 * row.labelFraction).toPrecision(3))} %`;
}

/**
 * Training loss and training accuracy per epoch of every row that has a history, side by side,
 * one coloured line per row.
 *
 * @example
 * ```ts
 * const png = await renderPng(trainingCurvesSpec(results.rows));
 * ```
 */
export function trainingCurvesSpec(
  rows: readonly ResultRow[],
  title = 'Training curves',
): VegaLiteSpec {
  const values = rows.flatMap((row) =>
    row.history.flatMap((h) => [
      { run: rowLabel(row), epoch: h.epoch + 1, metric: 'training loss', value: h.loss },
      { run: rowLabel(row), epoch: h.epoch + 1, metric: 'training accuracy', value: h.accuracy },
    ]),
  );
  const panel = (metric: string) => ({
    title: metric,
    width: 320,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line', point: values.length < 400 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: metric,
        scale: metric === 'training loss' ? { type: 'symlog' } : { domain: [0, 1] },
      },
      color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 320 } },
    },
  });
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    hconcat: [panel('training loss'), panel('training accuracy')],
  };
}
