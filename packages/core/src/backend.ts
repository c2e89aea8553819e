/**
 * Backend selection. Library packages never pick a backend themselves; applications call
 * {@link initBackend} once at start-up.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, ConfigError } from './errors.js';
import { registerWasmTrainingKernels } from './wasm/register.js';

/** Backends {@link initBackend} knows how to load. */
export type BackendPreference = 'auto' | 'node-gpu' | 'node' | 'webgpu' | 'wasm' | 'cpu';

/** The backend actually selected (never `'auto'`). */
export type BackendName = Exclude<BackendPreference, 'auto'>;

interface Candidate {
  /** npm package that registers the backend when imported. */
  module: string;
  /** Name of the registered tfjs backend. */
  tfName: string;
  /** How to install it. */
  install: string;
}

const CANDIDATES: Record<BackendName, Candidate> = {
  'node-gpu': {
    module: '@tensorflow/tfjs-node-gpu',
    tfName: 'tensorflow',
    install:
      'npm install @tensorflow/tfjs-node-gpu (downloads libtensorflow; needs a CUDA/cuDNN that matches it, see docs/gpu.md)',
  },
  node: {
    module: '@tensorflow/tfjs-node',
    tfName: 'tensorflow',
    install: 'npm install @tensorflow/tfjs-node (its install script downloads libtensorflow)',
  },
  webgpu: {
    module: '@tensorflow/tfjs-backend-webgpu',
    tfName: 'webgpu',
    install: 'npm install @tensorflow/tfjs-backend-webgpu (browsers with WebGPU only)',
  },
  wasm: {
    module: '@tensorflow/tfjs-backend-wasm',
    tfName: 'wasm',
    install: 'npm install @tensorflow/tfjs-backend-wasm',
  },
  cpu: {
    module: '@tensorflow/tfjs-backend-cpu',
    tfName: 'cpu',
    install: 'npm install @tensorflow/tfjs-backend-cpu',
  },
};

/** Order tried by `'auto'`: native GPU, native CPU, then WebAssembly, then pure JS. */
const AUTO_ORDER: BackendName[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Where to report skipped candidates (default `console`); `null` silences it. */
  logger?: Pick<Console, 'info'> | null;
  /**
   * Hook run after a backend is active and before `initBackend` resolves, e.g. to register
   * extra kernels. Receives the chosen name.
   */
  onSelected?: (name: BackendName) => void | Promise<void>;
}

/** Hooks that run whenever a given backend is selected (used to register training kernels). */
const selectionHooks = new Map<BackendName, Array<() => void>>();

/**
 * Registers `hook` to run each time {@link initBackend} selects `name` (idempotent hooks only).
 * Used by core itself to install the wasm training kernels.
 */
export function onBackendSelected(name: BackendName, hook: () => void): void {
  const list = selectionHooks.get(name) ?? [];
  if (!list.includes(hook)) list.push(hook);
  selectionHooks.set(name, list);
}

// Without its training kernels the wasm backend cannot train a CNN (no Conv2DBackpropFilter).
onBackendSelected('wasm', () => {
  registerWasmTrainingKernels();
});

/** Whether a backend factory is registered (it is instantiated only by `setBackend`). */
function isRegistered(tfName: string): boolean {
  return tfName in tf.engine().registryFactory;
}

async function tryBackend(name: BackendName): Promise<string | null> {
  const candidate = CANDIDATES[name];
  if (!isRegistered(candidate.tfName)) {
    try {
      const specifier = candidate.module;
      await import(/* @vite-ignore */ specifier);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const missing = /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(reason);
      return missing
        ? `${candidate.module} is not installed`
        : `${candidate.module} failed to load: ${reason}`;
    }
    if (!isRegistered(candidate.tfName)) {
      return `${candidate.module} loaded but registered no "${candidate.tfName}" backend with this copy of @tensorflow/tfjs-core (mismatched versions?)`;
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend(candidate.tfName);
    await tf.ready();
  } catch (error) {
    return `backend "${candidate.tfName}" failed to initialise: ${error instanceof Error ? error.message : String(error)}`;
  }
  return ok ? null : `backend "${candidate.tfName}" failed to initialise`;
}

/**
 * Picks and activates a TensorFlow.js backend by dynamic import, so that applications need only
 * install the backend packages they want.
 *
 * `'auto'` tries `node-gpu` (`@tensorflow/tfjs-node-gpu`) → `node` (`@tensorflow/tfjs-node`) →
 * `wasm` → `cpu` and logs why it skipped each. Selecting `wasm` also registers TumorXAI's wasm
 * training kernels (without them the wasm backend cannot train a CNN).
 *
 * @param preference A backend name or `'auto'` (default).
 * @returns The name of the backend now active, e.g. `'wasm'`.
 * @throws {BackendError} when an explicit preference is not installed or fails to start (the
 *   message says how to install it), or when `'auto'` finds nothing usable.
 * @throws {ConfigError} for an unknown preference.
 * @example
 * ```ts
 * const backend = await initBackend();        // 'wasm' on a machine without tfjs-node
 * await initBackend('cpu');                    // force the pure-JS backend
 * ```
 */
export async function initBackend(
  preference: BackendPreference = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendName> {
  const logger = options.logger === undefined ? console : options.logger;
  if (preference !== 'auto' && !(preference in CANDIDATES)) {
    throw new ConfigError({
      fn: 'initBackend',
      problem: 'unknown backend',
      expected: `one of auto, ${Object.keys(CANDIDATES).join(', ')}`,
      got: preference,
    });
  }
  const order = preference === 'auto' ? AUTO_ORDER : [preference];
  const skipped: string[] = [];
  for (const name of order) {
    const reason = await tryBackend(name);
    if (reason === null) {
      for (const hook of selectionHooks.get(name) ?? []) hook();
      await options.onSelected?.(name);
      return name;
    }
    skipped.push(`${name}: ${reason}`);
    if (preference === 'auto') logger?.info(`initBackend: skipped ${name}: ${reason}`);
  }
  if (preference !== 'auto') {
    throw new BackendError({
      fn: 'initBackend',
      problem: `backend "${preference}" is not available (${skipped[0]})`,
      fix: `Install it: ${CANDIDATES[preference].install}`,
    });
  }
  throw new BackendError({
    fn: 'initBackend',
    problem: `no backend could be started (${skipped.join('; ')})`,
    fix: `Install one, e.g. ${CANDIDATES.wasm.install}`,
  });
}
