/**
 * The multi-threaded wasm build under Node, without monkey-patches.
 *
 * tfjs-backend-wasm 4.22 never loads its threaded-SIMD binary in Node: its
 * `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-wired to false there (tfjs issue #3830), and
 * forcing it fails because the pthread worker is handed to Node as a `blob:` URL and the main
 * script as a `Blob`, which Node's `worker_threads` cannot load. Even then the C++ side caps the
 * pool at `os.cpus().length / 2` (it assumes SMT), i.e. one thread on a 2-vCPU machine. The
 * prototype worked around all three by patching `URL.createObjectURL`, `Object.prototype` and
 * `os.cpus` globally.
 *
 * Here the `'wasm'` backend factory is replaced by one that builds the same `BackendWasm` from
 * the threaded Emscripten module with only Emscripten's own configuration hooks: `locateFile`
 * returns a real file for the worker script, the main script falls back to its own path, and
 * `instantiateWasm` answers the core count that yields the requested pool size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, ConfigError } from '../errors.js';

/** Options of {@link useWasmThreads}. */
export interface WasmThreadsOptions {
  /** Size of XNNPACK's thread pool (default: the number of CPUs, at most 8). */
  threads?: number;
}

type EmscriptenModule = Record<string, unknown> & {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => number;
  PThread?: {
    unusedWorkers: Array<{ unref?: () => void }>;
    runningWorkers: Array<{ unref?: () => void }>;
  };
};
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

const WASM = 'tfjs-backend-wasm-threaded-simd.wasm';

async function writeWorkerScript(source: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const { existsSync, renameSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `tumorxai-tfjs-wasm-pthread-${hash}.js`);
  if (!existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, source);
    renameSync(temp, file);
  }
  return file;
}

async function createThreadedBackend(threads: number): Promise<tf.KernelBackend> {
  const wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  const modName = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
  const workerName =
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
  const factoryModule = (await import(/* @vite-ignore */ modName)) as {
    default?: Factory;
  } & Factory;
  const factory = (factoryModule.default ?? factoryModule) as Factory;
  const { wasmWorkerContents } = (await import(/* @vite-ignore */ workerName)) as {
    wasmWorkerContents: string;
  };
  // tfjs escapes the newlines of the worker source the same way before making its Blob.
  const workerFile = await writeWorkerScript(wasmWorkerContents.replace(/\n/g, '\\n'));
  const { readFileSync } = await import('node:fs');
  let dir = '';
  const module = await factory({
    locateFile: (path: string, prefix: string) => {
      if (path.endsWith('.worker.js')) return workerFile;
      dir = prefix;
      return prefix + path;
    },
    instantiateWasm: (
      imports: { env: Record<string, unknown> },
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => {
      // The C++ pool size is min(requested, cores / 2): report twice the requested threads.
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(readFileSync(dir + WASM), imports as WebAssembly.Imports).then((r) =>
        receive(r.instance, r.module),
      );
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmPkg.setThreadsCount(threads);
  const backend = new wasmPkg.BackendWasm(module as never);
  // Idle pthread workers must not keep Node's event loop alive.
  const pthread = module.PThread;
  for (const w of [...(pthread?.unusedWorkers ?? []), ...(pthread?.runningWorkers ?? [])])
    w.unref?.();
  return backend;
}

/**
 * Makes the `'wasm'` backend use tfjs's multi-threaded SIMD build in Node (XNNPACK's GEMMs and
 * convolutions then run on `threads` cores). Call it before the wasm backend starts (before
 * `initBackend('wasm')` or `tf.setBackend('wasm')`). In browsers tfjs already picks the threaded
 * build when the page is cross-origin isolated; there this is not needed and throws.
 *
 * Measured effect (see the README's Backends table): only XNNPACK's work is parallel; everything
 * else in a training step stays on one thread.
 *
 * @returns The thread count requested.
 * @throws {BackendError} outside Node, or when the wasm backend has already started.
 * @throws {ConfigError} for a thread count that is not an integer in 1..8.
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * await useWasmThreads({ threads: 2 });
 * await initBackend('wasm');
 * ```
 */
export async function useWasmThreads(options: WasmThreadsOptions = {}): Promise<number> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new BackendError({
      fn: 'useWasmThreads',
      problem: 'it is for Node only',
      fix: 'In a browser, serve the page cross-origin isolated and tfjs uses threads by itself',
    });
  }
  const { cpus } = await import('node:os');
  const threads = options.threads ?? Math.min(8, cpus().length);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new ConfigError({
      fn: 'useWasmThreads',
      problem: 'invalid thread count',
      expected: 'an integer in 1..8',
      got: threads,
    });
  }
  if (tf.engine().registry.wasm) {
    throw new BackendError({
      fn: 'useWasmThreads',
      problem: 'the wasm backend has already started',
      fix: 'Call useWasmThreads before initBackend("wasm") / tf.setBackend("wasm")',
    });
  }
  await import('@tensorflow/tfjs-backend-wasm');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => createThreadedBackend(threads), 2);
  return threads;
}
