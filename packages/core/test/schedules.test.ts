import { describe, expect, it } from 'vitest';
import { ConfigError, cosineSchedule, warmupCosineLr } from '../src/index.js';
import { loadJsonFixture } from '../src/testing/index.js';

interface ScheduleCase {
  step: number;
  max_steps: number;
  start: number;
  end: number;
  variant: string;
  expected: number;
}

describe('cosineSchedule', () => {
  const { cases } = loadJsonFixture<{ cases: ScheduleCase[] }>('ssl/schedule_cosine.json');
  const paper = cases.filter((c) => c.variant === 'paper');

  it('has paper-variant fixture cases', () => {
    expect(paper.length).toBeGreaterThan(3);
  });

  it.each(paper.map((c) => [`step ${c.step}/${c.max_steps} ${c.start}→${c.end}`, c] as const))(
    'matches fixtures/ssl/schedule_cosine.json: %s',
    (_, c) => {
      const got = cosineSchedule(c.step, c.max_steps, c.start, c.end);
      expect(Math.abs(got - c.expected)).toBeLessThanOrEqual(1e-12 + 1e-12 * Math.abs(c.expected));
    },
  );

  it('rejects negative steps and non-finite input', () => {
    expect(() => cosineSchedule(-1, 10, 0, 1)).toThrow(ConfigError);
    expect(() => cosineSchedule(Number.NaN, 10, 0, 1)).toThrow(/finite/);
  });
});

describe('warmupCosineLr', () => {
  it('warms up linearly from 0 then decays by a half cosine to minLr', () => {
    const lr = warmupCosineLr({ baseLr: 1, warmupSteps: 10, totalSteps: 110, minLr: 0.1 });
    expect(lr(0)).toBe(0);
    expect(lr(5)).toBeCloseTo(0.5, 12);
    expect(lr(10)).toBeCloseTo(1, 12);
    expect(lr(60)).toBeCloseTo(0.1 + 0.9 * 0.5, 12);
    expect(lr(110)).toBeCloseTo(0.1, 12);
    expect(lr(500)).toBeCloseTo(0.1, 12);
  });

  it('without warm-up starts at baseLr', () => {
    const lr = warmupCosineLr({ baseLr: 0.3, totalSteps: 100 });
    expect(lr(0)).toBeCloseTo(0.3, 12);
    expect(lr(100)).toBeCloseTo(0, 12);
  });

  it('rejects inconsistent options', () => {
    expect(() => warmupCosineLr({ baseLr: 1, warmupSteps: 20, totalSteps: 10 })).toThrow(
      ConfigError,
    );
    expect(() => warmupCosineLr({ baseLr: -1, totalSteps: 10 })).toThrow(/baseLr/);
  });
});
