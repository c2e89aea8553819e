/**
 * Progress events and cancellation shared by the evaluation protocols.
 */
import { AbortError } from '@tumorxai/core';

/** The protocols of this package. */
export type EvalProtocol = 'linear-probe' | 'fine-tune' | 'knn' | 'supervised';

/** A progress event of a long evaluation step. */
export interface EvalProgress {
  /** `'features'` (frozen forward passes), `'train'` (optimisation) or `'predict'`. */
  phase: 'features' | 'train' | 'predict';
  /** Units done (batches for features / predict, steps for training), 1-based. */
  step: number;
  totalSteps: number;
  /** 0-based epoch (training only). */
  epoch?: number;
  epochs?: number;
  /** Loss of the last step (training only). */
  loss?: number;
  learningRate?: number;
  /** Images per second since the phase started. */
  imagesPerSecond: number;
  /** Estimated seconds to the end of the phase at the current speed. */
  etaSeconds: number;
}

/** Options shared by every long-running function of this package. */
export interface LongRunningOptions {
  /** Called after every batch or step. */
  onProgress?: (progress: EvalProgress) => void;
  /** Stops the work between batches; the promise then rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** Measures speed and ETA of one phase. */
export class ProgressMeter {
  private readonly began = performance.now();
  private images = 0;

  constructor(
    private readonly phase: EvalProgress['phase'],
    private readonly totalSteps: number,
    private readonly onProgress?: (progress: EvalProgress) => void,
  ) {}

  /** Records `step` done (1-based) after `images` more images and reports it. */
  tick(step: number, images: number, extra: Partial<EvalProgress> = {}): void {
    this.images += images;
    if (!this.onProgress) return;
    const seconds = Math.max((performance.now() - this.began) / 1000, 1e-9);
    this.onProgress({
      phase: this.phase,
      step,
      totalSteps: this.totalSteps,
      imagesPerSecond: this.images / seconds,
      etaSeconds: ((this.totalSteps - step) * seconds) / Math.max(step, 1),
      ...extra,
    });
  }
}

/** Throws an `AbortError` naming `fn` and where it stopped when `signal` has fired. */
export function throwIfAborted(fn: string, signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) {
    throw new AbortError({
      fn,
      problem: `stopped by the AbortSignal ${where}`,
      fix: 'Nothing was kept; call it again to start over',
    });
  }
}

/** Lets timers and signal handlers run between synchronous steps. */
export const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
