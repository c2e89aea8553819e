import { describe, expect, it } from 'vitest';
import { main } from '../byol-minimal.js';

describe('examples/byol-minimal.ts', () => {
  it('pretrains BYOL on phantoms, exports and saves the online backbone', async () => {
    const lines: string[] = [];
    const result = await main({ log: (line) => lines.push(line) });
    expect(result.backend).toBe('wasm');
    expect(result.epochLosses).toHaveLength(10);
    expect(result.epochLosses.every((l) => Number.isFinite(l) && l >= 0 && l <= 8)).toBe(true);
    expect(result.epochLosses.at(-1)!).toBeLessThan(result.epochLosses[0]!);
    expect(result.featureShape).toEqual([1, 64]);
    for (const acc of [result.knn.randomInit, result.knn.pretrained]) {
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
    expect(lines.some((l) => l.startsWith('epoch 10/10:'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^k-NN accuracy on held-out phantoms/);
  });
});
