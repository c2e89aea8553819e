import { describe, expect, it } from 'vitest';
import { main } from '../dino-minimal.js';

describe('examples/dino-minimal.ts', () => {
  it('pretrains DINO on phantoms, exports and saves the teacher backbone', async () => {
    const lines: string[] = [];
    const result = await main({ log: (line) => lines.push(line) });
    expect(result.backend).toBe('wasm');
    expect(result.epochLosses).toHaveLength(6);
    expect(result.epochLosses.every(Number.isFinite)).toBe(true);
    expect(result.epochLosses.at(-1)!).toBeLessThan(result.epochLosses[0]!);
    // Neither collapse: the teacher's output entropy stays strictly between 0 and log K.
    for (const h of result.teacherEntropy) {
      expect(h).toBeGreaterThan(0.5);
      expect(h).toBeLessThan(Math.log(result.outputDim) - 0.5);
    }
    expect(result.featureShape).toEqual([1, 64]);
    for (const acc of [result.knn.randomInit, result.knn.teacher]) {
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
    expect(lines.some((l) => l.startsWith('epoch 6/6:'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^k-NN accuracy on held-out phantoms/);
  });
});
