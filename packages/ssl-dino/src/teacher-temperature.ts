/**
 * DINO's teacher-temperature warm-up.
 *
 * Reference: [0] DINO, Caron et al. 2021, https://arxiv.org/abs/2104.14294 (§4.1, App. D); official
 * `DINOLoss.__init__` (`np.linspace` then constant). Spec `ssl.md` §3c, §5.
 */
import { ConfigError } from '@tumorxai/core';
import { checkPositive } from './internal/checks.js';

/** Options of {@link teacherTemperatureSchedule}. */
export interface TeacherTemperatureScheduleOptions {
  /** Temperature at epoch 0 (default 0.04). */
  warmup?: number;
  /** Temperature from epoch `warmupEpochs − 1` on (default 0.07, the paper's). */
  final?: number;
  /** Epochs of linear warm-up W (default 30; 0 gives `final` from the start). */
  warmupEpochs?: number;
}

/**
 * The teacher temperature per epoch: `linspace(warmup, final, W)[epoch]` for `epoch < W`, then
 * `final`. It changes once per epoch, not per step. `linspace` includes both ends, so `final` is
 * reached at epoch `W − 1`, and `W = 1` gives `warmup` at epoch 0.
 *
 * Defaults are the paper's (0.04 → 0.07 over 30 epochs). The official code's default, also used
 * by its ResNet-50 recipe, is a constant 0.04: pass `{ final: 0.04 }` or a number to `DINO`.
 *
 * @returns `(epoch) => number` for 0-based integer epochs; it throws a {@link ConfigError} for a
 *   negative or fractional epoch.
 * @throws {ConfigError} for non-positive temperatures or a negative / fractional `warmupEpochs`.
 * @example
 * ```ts
 * const tauT = teacherTemperatureSchedule({ warmup: 0.04, final: 0.07, warmupEpochs: 30 });
 * tauT(0); // 0.04
 * tauT(15); // 0.0555…
 * tauT(40); // 0.07
 * ```
 */
export function teacherTemperatureSchedule(
  options: TeacherTemperatureScheduleOptions = {},
): (epoch: number) => number {
  const fn = 'teacherTemperatureSchedule';
  const warmup = checkPositive(fn, 'warmup', options.warmup ?? 0.04);
  const final = checkPositive(fn, 'final', options.final ?? 0.07);
  const epochs = options.warmupEpochs ?? 30;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new ConfigError({
      fn,
      problem: 'warmupEpochs must be a non-negative integer',
      got: epochs,
    });
  }
  return (epoch: number) => {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new ConfigError({
        fn,
        problem: 'epoch must be a non-negative integer (the temperature changes once per epoch)',
        got: epoch,
        fix: 'Pass the 0-based epoch, e.g. Math.floor(step / stepsPerEpoch)',
      });
    }
    if (epoch >= epochs) return final;
    // numpy.linspace: i·((stop − start)/(W − 1)) + start, with the last entry exactly `stop`.
    if (epochs === 1) return warmup;
    if (epoch === epochs - 1) return final;
    return epoch * ((final - warmup) / (epochs - 1)) + warmup;
  };
}
