import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IOError } from '@tumorxai/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  confusionMatrixSpec,
  type EvaluationResult,
  type ExperimentResults,
  readResults,
  resultRow,
  resultsMarkdown,
  rowSlug,
  shortClassName,
  trainingCurvesSpec,
  writeReport,
} from '../src/index.js';
import { summarizePredictions } from '../src/protocols/result.js';

const classNames = ['Glioma (Astrocitoma, Ependimoma) T1C+', '_NORMAL T2', 'Schwannoma T1'];

function fakeResult(
  protocol: EvaluationResult['protocol'],
  predictions: number[],
): EvaluationResult {
  const labels = Int32Array.from([0, 0, 1, 1, 2, 2, 2, 0]);
  const probabilities = predictions.map((p) =>
    Float32Array.from([0, 1, 2], (c) => (c === p ? 0.8 : 0.1)),
  );
  return {
    protocol,
    numClasses: 3,
    ...summarizePredictions(labels, probabilities, 3, classNames, { resamples: 100, seed: 1 }),
    history:
      protocol === 'knn'
        ? []
        : [0, 1, 2].map((epoch) => ({
            epoch,
            loss: 1 / (epoch + 1),
            accuracy: 0.3 * epoch,
            learningRate: 0.1,
          })),
    trainSize: 20,
    seconds: 1.5,
    settings: { epochs: 3 },
  };
}

function document(): ExperimentResults {
  return {
    format: 'tumorxai-results',
    version: 1,
    title: 'Test report',
    createdAt: '2026-01-01T00:00:00.000Z',
    classNames,
    confidence: 0.95,
    resamples: 100,
    rows: [
      resultRow('simclr', 0.1, fakeResult('linear-probe', [0, 0, 1, 1, 2, 2, 2, 0])),
      resultRow('random-init', 0.1, fakeResult('linear-probe', [0, 1, 1, 2, 2, 0, 2, 0])),
      resultRow('simclr', 1, fakeResult('knn', [0, 0, 1, 1, 2, 2, 1, 0])),
    ],
    meta: { seed: 0, backend: 'cpu' },
  };
}

describe('reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tumorxai-eval-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes rows from results and a Markdown table with intervals', () => {
    const results = document();
    const row = results.rows[0]!;
    expect(row).toMatchObject({
      method: 'simclr',
      protocol: 'linear-probe',
      labelFraction: 0.1,
      accuracy: 1,
      testSize: 8,
      trainSize: 20,
    });
    expect(row.accuracyCi).toEqual([1, 1]);
    const md = resultsMarkdown(results);
    expect(md).toContain('| simclr | linear-probe | 10 % | 20 / 8 | 100.0 [100.0, 100.0] |');
    const lines = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| method'));
    expect(lines).toHaveLength(3);
    // random-init: 5 of 8 correct
    expect(md).toMatch(
      /\| random-init \| linear-probe \| 10 % \| 20 \/ 8 \| 62\.5 \[\d+\.\d, \d+\.\d\] \|/,
    );
    expect(md).toContain('"backend": "cpu"');
  });

  it('builds Vega-Lite specs', () => {
    expect(shortClassName(classNames[0]!)).toBe('Glioma T1C+');
    const spec = confusionMatrixSpec(
      [
        [2, 1],
        [0, 3],
      ],
      ['a', 'b'],
    ) as { data: { values: { rate: number; label: string }[] } };
    expect(spec.data.values.map((v) => v.label)).toEqual(['2', '1', '', '3']);
    expect(spec.data.values[0]!.rate).toBeCloseTo(2 / 3, 12);
    const curves = trainingCurvesSpec(document().rows) as { data: { values: unknown[] } };
    expect(curves.data.values).toHaveLength(2 * 2 * 3); // two rows with history × 2 metrics × 3 epochs
  });

  it('writes JSON, Markdown and PNGs, and reproduces them from the JSON', async () => {
    const first = await writeReport(document(), join(dir, 'a'));
    expect(first.plots).toHaveLength(4);
    for (const file of first.plots) {
      const bytes = readFileSync(file);
      expect([...bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(5000);
    }
    const json = readResults(first.json);
    expect(json.rows[0]!.plots?.confusion).toBe(`confusion-${rowSlug(json.rows[0]!)}.png`);
    expect(json.plots?.trainingCurves).toBe('training-curves.png');
    const second = await writeReport(json, join(dir, 'b'));
    expect(readFileSync(second.markdown, 'utf8')).toBe(readFileSync(first.markdown, 'utf8'));
    expect(readFileSync(second.json, 'utf8')).toBe(readFileSync(first.json, 'utf8'));
    for (const [i, file] of second.plots.entries()) {
      expect(readFileSync(file).equals(readFileSync(first.plots[i]!))).toBe(true);
    }
    expect(readFileSync(first.markdown, 'utf8')).toContain('(training-curves.png)');
  });

  it('rejects files that are not results', () => {
    expect(() => readResults(join(dir, 'missing.json'))).toThrow(IOError);
  });
});
