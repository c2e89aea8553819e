/**
 * Learning-rate and momentum schedules.
 *
 * References: BYOL target EMA [Grill et al. 2020, https://arxiv.org/abs/2006.07733], MoCo v3
 * momentum [Chen et al. 2021, https://arxiv.org/abs/2104.02057], DINO teacher EMA
 * [Caron et al. 2021, https://arxiv.org/abs/2104.14294]; SimCLR warm-up + cosine lr
 * [Chen et al. 2020, https://arxiv.org/abs/2002.05709]. See `specs/ssl.md` §5.
 */
import { ConfigError } from './errors.js';

function checkFinite(fn: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError({ fn, problem: `${name} must be a finite number`, got: value });
  }
}

/**
 * Cosine interpolation from `start` (step 0) to `end` (step ≥ totalSteps):
 * `end − (end − start)·(cos(π·min(step, total)/total) + 1)/2` — the BYOL / MoCo v3 / DINO form
 * (`variant: "paper"` in the fixtures). With `totalSteps <= 0` it returns `end`.
 *
 * @example cosineSchedule(50, 100, 0.996, 1) // 0.998
 * @throws {ConfigError} for a negative or non-finite step.
 */
export function cosineSchedule(
  step: number,
  totalSteps: number,
  start: number,
  end: number,
): number {
  checkFinite('cosineSchedule', 'step', step);
  checkFinite('cosineSchedule', 'totalSteps', totalSteps);
  checkFinite('cosineSchedule', 'start', start);
  checkFinite('cosineSchedule', 'end', end);
  if (step < 0) {
    throw new ConfigError({
      fn: 'cosineSchedule',
      problem: 'step must be non-negative',
      got: step,
    });
  }
  if (totalSteps <= 0) return end;
  const t = Math.min(step, totalSteps) / totalSteps;
  return end - ((end - start) * (Math.cos(Math.PI * t) + 1)) / 2;
}

/** Options of {@link warmupCosineLr}. */
export interface WarmupCosineLrOptions {
  /** Peak learning rate reached at the end of the warm-up. */
  baseLr: number;
  /** Linear warm-up steps from 0 (default 0: no warm-up). */
  warmupSteps?: number;
  /** Total steps; after the warm-up the rate follows a half cosine to `minLr` at `totalSteps`. */
  totalSteps: number;
  /** Final learning rate (default 0). */
  minLr?: number;
}

/**
 * Linear warm-up from 0 then half-cosine decay, as in SimCLR, BYOL, MoCo v3 and DINO:
 * `lr(k) = baseLr·k/warmup` for k < warmup, then
 * `minLr + (baseLr − minLr)·(1 + cos(π·(k − warmup)/(total − warmup)))/2`, constant `minLr` after.
 *
 * @returns a function from the 0-based global step to the learning rate.
 * @throws {ConfigError} for negative values or `warmupSteps > totalSteps`.
 * @example
 * ```ts
 * const lr = warmupCosineLr({ baseLr: 0.3, warmupSteps: 100, totalSteps: 1000 });
 * lr(50); // 0.15
 * ```
 */
export function warmupCosineLr(options: WarmupCosineLrOptions): (step: number) => number {
  const { baseLr, totalSteps } = options;
  const warmupSteps = options.warmupSteps ?? 0;
  const minLr = options.minLr ?? 0;
  const fn = 'warmupCosineLr';
  for (const [name, value] of Object.entries({ baseLr, totalSteps, warmupSteps, minLr })) {
    checkFinite(fn, name, value);
    if (value < 0) throw new ConfigError({ fn, problem: `${name} must be >= 0`, got: value });
  }
  if (warmupSteps > totalSteps) {
    throw new ConfigError({
      fn,
      problem: 'warmupSteps must not exceed totalSteps',
      expected: `<= ${totalSteps}`,
      got: warmupSteps,
    });
  }
  return (step: number) => {
    checkFinite(fn, 'step', step);
    if (step < warmupSteps) return (baseLr * step) / warmupSteps;
    const decaySteps = totalSteps - warmupSteps;
    if (decaySteps <= 0) return baseLr;
    const t = Math.min(step - warmupSteps, decaySteps) / decaySteps;
    return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * t))) / 2;
  };
}
