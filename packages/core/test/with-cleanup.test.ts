import { describe, expect, it } from 'vitest';
import { withCleanup } from '../src/index.js';

describe('withCleanup', () => {
  it('returns the body result and cleans up once', () => {
    let cleaned = 0;
    expect(
      withCleanup(
        () => 42,
        () => cleaned++,
      ),
    ).toBe(42);
    expect(cleaned).toBe(1);
  });

  it("keeps the body's error when the cleanup fails too", () => {
    let cleaned = 0;
    let caught: unknown;
    try {
      withCleanup(
        () => {
          throw new Error('step failed');
        },
        () => {
          cleaned++;
          throw new Error('dispose failed');
        },
      );
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe('step failed');
    expect(((caught as { suppressed?: Error }).suppressed as Error).message).toBe('dispose failed');
    expect(cleaned).toBe(1);
  });

  it("throws the cleanup's error when the body succeeded", () => {
    expect(() =>
      withCleanup(
        () => 1,
        () => {
          throw new Error('dispose failed');
        },
      ),
    ).toThrow('dispose failed');
  });
});
