import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults, rowSlug } from '@tumorxai/eval';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, PRESETS } from '../src/config/load-config.js';
import type { RunManifest } from '../src/run/run-dir.js';
import { examplesDir, runCli, startCli } from './cli-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'tumorxai-cli-'));
const cache = join(tmp, 'cache');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = loadConfig('ci');
/** Every row the ci preset claims: method × protocol × label fraction. */
function expectedRows(): string[] {
  const rows: string[] = [];
  for (const f of config.evaluation.labelFractions) {
    for (const method of [...config.pretrain.methods, 'random-init']) {
      rows.push(rowSlug({ method, protocol: 'linear-probe', labelFraction: f }));
      rows.push(rowSlug({ method, protocol: 'knn', labelFraction: f }));
    }
    rows.push(rowSlug({ method: 'supervised', protocol: 'supervised', labelFraction: f }));
  }
  return rows.sort();
}

const isPng = (file: string) => readFileSync(file).subarray(1, 4).toString('latin1') === 'PNG';

describe('configurations', () => {
  it('every preset validates, and the paper one is the ResNet-50 / 224 px matrix', () => {
    for (const name of PRESETS) expect(loadConfig(name).name).toBe(name);
    const paper = loadConfig('paper');
    expect(paper.backbone).toEqual({ depth: 50, widthMultiplier: 1 });
    expect(paper.data.imageSize).toBe(224);
    expect(paper.pretrain.methods).toEqual(['simclr', 'byol', 'mocov3', 'dino']);
    expect(paper.evaluation.labelFractions).toEqual([0.01, 0.1, 1]);
    expect(Object.keys(paper.provenance).length).toBeGreaterThan(10);
  });
});

describe('tumorxai demo --preset ci', () => {
  it('runs end to end and writes results that parse and hold every claimed row', async () => {
    const out = join(tmp, 'demo');
    const { code, output } = await runCli([
      'demo',
      '--preset',
      'ci',
      '--out',
      out,
      '--cache',
      cache,
    ]);
    expect(code, output).toBe(0);
    const results = readResults(join(out, 'results.json'));
    expect(results.rows.map(rowSlug).sort()).toEqual(expectedRows());
    expect(results.classNames).toHaveLength(17);
    const markdown = readFileSync(join(out, 'results.md'), 'utf8');
    for (const row of results.rows) {
      expect(row.testSize).toBeGreaterThan(0);
      expect(row.accuracy).toBeGreaterThanOrEqual(0);
      expect(row.accuracyCi[0]).toBeLessThanOrEqual(row.accuracy);
      expect(row.accuracyCi[1]).toBeGreaterThanOrEqual(row.accuracy);
      const pct = (v: number) => (100 * v).toFixed(1);
      expect(markdown).toContain(
        `| ${row.method} | ${row.protocol} | ${Number((100 * row.labelFraction).toPrecision(3))} % | ${row.trainSize} / ${row.testSize} | ${pct(row.accuracy)} [`,
      );
      expect(isPng(join(out, row.plots!.confusion!))).toBe(true);
    }
    expect(isPng(join(out, results.plots!.trainingCurves!))).toBe(true);
    expect(results.plots!.extra).toEqual(['cam-simclr.png', 'cam-supervised.png']);
    for (const file of results.plots!.extra!) expect(isPng(join(out, file))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunManifest;
    expect(manifest.config.name).toBe('ci');
    expect(manifest.seed).toBe(0);
    expect(manifest.sessions[0]!.backend).toBe('wasm');
    expect(manifest.versions['@tumorxai/eval']).toBe('0.1.0');
    expect(Object.keys(manifest.stages)).toEqual(
      expect.arrayContaining(['data', 'pretrain:simclr', 'explain:simclr']),
    );
    expect(existsSync(join(out, 'pretrain', 'simclr', 'backbone.safetensors'))).toBe(true);

    // `explain` on one of the phantoms with the supervised model the run saved.
    const data = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')) as { root: string };
    const image = join(data.root, readdirSync(data.root).sort()[0]!, '0000.jpg');
    const overlay = join(tmp, 'overlay.png');
    const explained = await runCli([
      'explain',
      '--image',
      image,
      '--checkpoint',
      join(out, 'eval', 'supervised-model.safetensors'),
      '--cam',
      'gradcam++',
      '--out',
      overlay,
    ]);
    expect(explained.code, explained.output).toBe(0);
    expect(explained.output).toMatch(/Predicted: .+ \(p = 0\.\d{3}\)/);
    expect(isPng(overlay)).toBe(true);
  });

  it('--resume after a kill skips the finished stages', async () => {
    const out = join(tmp, 'resume');
    const args = ['demo', '--preset', 'ci', '--out', out, '--cache', cache];
    const first = startCli(args);
    const manifestPath = join(out, 'run.json');
    const stagesDone = () =>
      existsSync(manifestPath)
        ? Object.keys((JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest).stages)
        : [];
    // Kill (SIGKILL: no cleanup) once pretraining is done and evaluation has started.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (stagesDone().some((s) => s.startsWith('evaluate:'))) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 100);
      first.done.then((code) => {
        clearInterval(timer);
        reject(
          new Error(`the first run ended (${code}) before it could be killed:\n${first.output()}`),
        );
      });
    });
    await first.done;
    const before = stagesDone();
    expect(before).toContain('pretrain:simclr');
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    const second = await runCli([...args, '--resume']);
    expect(second.code, second.output).toBe(0);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as RunManifest;
    const session = manifest.sessions.at(-1)!;
    expect(session.resumed).toBe(true);
    expect(session.stagesSkipped.sort()).toEqual([...before].sort());
    expect(session.stagesRun.some((s) => before.includes(s))).toBe(false);
    expect(second.output).toContain('✓ pretrain:simclr (done earlier, skipped)');
    const results = readResults(join(out, 'results.json'));
    expect(results.rows.map(rowSlug).sort()).toEqual(expectedRows());
  });

  it('documents the paper run in `reproduce --help` and rejects a bad config clearly', async () => {
    const help = await runCli(['reproduce', '--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('--config paper --backend node-gpu');
    expect(help.output).toContain('docs/gpu.md');
    const bad = join(tmp, 'bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      bad,
      JSON.stringify({
        ...config,
        backbone: { depth: 42 },
        pretrain: { ...config.pretrain, epochs: 0 },
      }),
    );
    const run = await runCli(['reproduce', '--config', bad, '--out', join(tmp, 'bad')]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/configuration .*bad\.json is invalid/);
    expect(run.output).toContain('backbone.depth');
    expect(run.output).toContain('pretrain.epochs');
  });
});

describe('tumorxai reproduce with every method', () => {
  it('pretrains SimCLR, BYOL, MoCo v3 and DINO and evaluates each by every protocol', async () => {
    const out = join(tmp, 'all');
    const file = join(examplesDir, 'test', 'all-methods.json');
    const { code, output } = await runCli([
      'reproduce',
      '--config',
      file,
      '--out',
      out,
      '--cache',
      cache,
    ]);
    expect(code, output).toBe(0);
    const results = readResults(join(out, 'results.json'));
    const expected = ['simclr', 'byol', 'mocov3', 'dino'].flatMap((method) =>
      ['linear-probe', 'knn', 'fine-tune'].map((protocol) =>
        rowSlug({ method, protocol, labelFraction: 1 }),
      ),
    );
    expect(results.rows.map(rowSlug).sort()).toEqual(expected.sort());
    for (const method of ['simclr', 'byol', 'mocov3', 'dino']) {
      expect(existsSync(join(out, 'pretrain', method, 'backbone.safetensors'))).toBe(true);
    }
  });
});
