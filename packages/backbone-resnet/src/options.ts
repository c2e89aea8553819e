/**
 * Options of {@link createResNet} and their validation.
 */
import { ConfigError, ShapeError } from '@tumorxai/core';
import { ARCHITECTURES, DEPTHS, type ResNetDepth } from './architecture.js';

/** Options of `createResNet` (all but `depth`) and of the `resnet18` … `resnet152` presets. */
export interface ResNetPresetOptions {
  /**
   * `[height, width, channels]` of one NHWC image (default `[224, 224, 3]`). `channels` may be 1
   * for grey MRI. `height` / `width` may be `null` for a model that accepts any size (the
   * block outputs then have unknown spatial size until called).
   */
  inputShape?: readonly [number | null, number | null, number];
  /**
   * Scales the stem and every stage's width (default 1). torchvision weights need 1; small
   * values such as 1/8 give tiny models for tests. Each width is `max(1, round(w × m))`.
   */
  widthMultiplier?: number;
  /** Add torchvision's `fc` classifier after global average pooling (default `false`). */
  includeTop?: boolean;
  /** Classes of the `fc` layer when `includeTop` (default 1000). */
  numClasses?: number;
  /**
   * Zero-initialise the last BatchNorm γ of every residual block, as torchvision's
   * `zero_init_residual=True` (default `false`); each block then starts as the identity.
   */
  zeroInitResidual?: boolean;
  /** Seed of the weight initialisation: the same seed gives bit-identical weights. */
  seed?: number;
  /** Model name (default `resnet{depth}`). */
  name?: string;
}

/** Options of `createResNet`. */
export interface ResNetOptions extends ResNetPresetOptions {
  /** 18, 34, 50, 101 or 152. */
  depth: ResNetDepth;
}

/** Options with every default filled in. */
export interface ResolvedResNetOptions {
  depth: ResNetDepth;
  inputShape: [number | null, number | null, number];
  widthMultiplier: number;
  includeTop: boolean;
  numClasses: number;
  zeroInitResidual: boolean;
  seed: number | undefined;
  name: string;
}

const FN = 'createResNet';

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/**
 * Validates options and fills in the defaults.
 *
 * @throws {ConfigError} on an unknown depth, a bad width multiplier, class count or seed.
 * @throws {ShapeError} on a bad `inputShape`.
 */
export function resolveResNetOptions(options: ResNetOptions): ResolvedResNetOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError({
      fn: FN,
      problem: 'options must be an object',
      got: options,
      fix: 'Call createResNet({ depth: 50 })',
    });
  }
  const { depth } = options;
  if (!(DEPTHS as readonly unknown[]).includes(depth) || !(depth in ARCHITECTURES)) {
    throw new ConfigError({
      fn: FN,
      problem: 'unknown depth',
      expected: `one of ${DEPTHS.join(', ')}`,
      got: depth,
      fix: 'Pick a torchvision depth, e.g. { depth: 50 }',
    });
  }
  const inputShape = options.inputShape ?? [224, 224, 3];
  const spatialOk = (v: unknown) => v === null || isPositiveInt(v);
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 3 ||
    !spatialOk(inputShape[0]) ||
    !spatialOk(inputShape[1]) ||
    !isPositiveInt(inputShape[2])
  ) {
    throw new ShapeError({
      fn: FN,
      problem: 'inputShape must be [height, width, channels] of one NHWC image (no batch axis)',
      expected: 'three positive integers (height and width may be null), e.g. [224, 224, 3]',
      got: inputShape,
      fix: 'Drop the batch axis and put channels last, e.g. [64, 64, 1] for grey MRI',
    });
  }
  const widthMultiplier = options.widthMultiplier ?? 1;
  if (
    typeof widthMultiplier !== 'number' ||
    !Number.isFinite(widthMultiplier) ||
    Math.round(64 * widthMultiplier) < 1
  ) {
    throw new ConfigError({
      fn: FN,
      problem: 'widthMultiplier must be a finite number that keeps at least one stem channel',
      expected: `a number >= ${1 / 128} (1 for torchvision weights, 1/8 for tiny test models)`,
      got: widthMultiplier,
    });
  }
  const numClasses = options.numClasses ?? 1000;
  if (!isPositiveInt(numClasses)) {
    throw new ConfigError({
      fn: FN,
      problem: 'numClasses must be a positive integer',
      got: numClasses,
    });
  }
  if (
    options.seed !== undefined &&
    (typeof options.seed !== 'number' || !Number.isFinite(options.seed))
  ) {
    throw new ConfigError({
      fn: FN,
      problem: 'seed must be a finite number',
      got: options.seed,
      fix: 'Pass an integer such as 42, or omit it for a random initialisation',
    });
  }
  return {
    depth,
    inputShape: [inputShape[0], inputShape[1], inputShape[2]],
    widthMultiplier,
    includeTop: options.includeTop ?? false,
    numClasses,
    zeroInitResidual: options.zeroInitResidual ?? false,
    seed: options.seed,
    name: options.name ?? `resnet${depth}`,
  };
}

/** A width scaled by the multiplier: `max(1, round(width × multiplier))`. */
export function scaleWidth(width: number, multiplier: number): number {
  return Math.max(1, Math.round(width * multiplier));
}
