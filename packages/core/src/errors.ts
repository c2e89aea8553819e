/**
 * Typed errors shared by every `@tumorxai/*` package.
 *
 * Every error carries a stable machine-readable `code` and a message in the house format
 * `<fn>: what is wrong. Expected x, got y. How to fix.` — build messages with {@link formatError}.
 *
 * @example
 * ```ts
 * try { readSafetensors(bytes); } catch (e) {
 *   if (e instanceof TumorxaiError && e.code === 'E_IO') console.error(e.message);
 * }
 * ```
 */

/** Stable error codes; code outside the library may switch on them. */
export type TumorxaiErrorCode =
  | 'E_SHAPE'
  | 'E_CONFIG'
  | 'E_DISPOSED'
  | 'E_BACKEND'
  | 'E_IO'
  | 'E_DATA'
  | 'E_LEAK'
  | 'E_ABORTED';

/** Parts of an error message in the house format. */
export interface ErrorMessageParts {
  /** The public function or method that failed, e.g. `ntXentLoss` or `GradCam.explain`. */
  fn: string;
  /** What is wrong, as a sentence without the trailing period. */
  problem: string;
  /** What was expected (rendered as `Expected <expected>`). */
  expected?: unknown;
  /** What was received (rendered as `got <got>`). */
  got?: unknown;
  /** How to fix it, as a sentence. */
  fix?: string;
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Formats `<fn>: problem. Expected x, got y. Fix.` */
export function formatError(parts: ErrorMessageParts): string {
  let message = `${parts.fn}: ${parts.problem.replace(/\.$/, '')}.`;
  const hasExpected = parts.expected !== undefined;
  const hasGot = parts.got !== undefined;
  if (hasExpected && hasGot) {
    message += ` Expected ${render(parts.expected)}, got ${render(parts.got)}.`;
  } else if (hasExpected) {
    message += ` Expected ${render(parts.expected)}.`;
  } else if (hasGot) {
    message += ` Got ${render(parts.got)}.`;
  }
  if (parts.fix) message += ` ${parts.fix.replace(/\.$/, '')}.`;
  return message;
}

/** Base class of every error thrown by `@tumorxai/*`. */
export class TumorxaiError extends Error {
  /** Stable machine-readable code. */
  readonly code: TumorxaiErrorCode;

  constructor(
    code: TumorxaiErrorCode,
    message: string | ErrorMessageParts,
    options?: ErrorOptions,
  ) {
    super(typeof message === 'string' ? message : formatError(message), options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A tensor or array has the wrong rank, size or dtype. Code `E_SHAPE`. */
export class ShapeError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_SHAPE', message, options);
  }
}

/** An option or configuration value is invalid. Code `E_CONFIG`. */
export class ConfigError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_CONFIG', message, options);
  }
}

/** An object was used after `dispose()`. Code `E_DISPOSED`. */
export class DisposedError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_DISPOSED', message, options);
  }
}

/** A TensorFlow.js backend is missing or failed to start. Code `E_BACKEND`. */
export class BackendError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_BACKEND', message, options);
  }
}

/** Reading or writing a file or byte buffer failed (corrupt, truncated, missing). Code `E_IO`. */
export class IOError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_IO', message, options);
  }
}

/** A dataset or its content is unusable (empty folder, no classes, bad labels). Code `E_DATA`. */
export class DataError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_DATA', message, options);
  }
}

/** Tensors were left allocated where none should be. Code `E_LEAK`. */
export class TensorLeakError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_LEAK', message, options);
  }
}

/** A long-running operation was stopped through its `AbortSignal`. Code `E_ABORTED`. */
export class AbortError extends TumorxaiError {
  constructor(message: string | ErrorMessageParts, options?: ErrorOptions) {
    super('E_ABORTED', message, options);
  }
}
