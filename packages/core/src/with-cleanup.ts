/**
 * `try { body } finally { cleanup }` that never hides the error that brought us to the cleanup.
 */

/**
 * Runs `body`, then `cleanup`, and returns what `body` returned. When `body` throws, `cleanup`
 * still runs, but an error thrown by `cleanup` is dropped so that the caller sees `body`'s error:
 * after a failed step (a crashed wasm heap, say) freeing tensors often fails too, and that second
 * error says nothing about the cause; it is kept on the first error as a non-enumerable
 * `suppressed` property (as in `SuppressedError`). When only `cleanup` throws, its error
 * propagates. For synchronous bodies only: with an async body the cleanup would run before the
 * promise settles.
 *
 * @example
 * ```ts
 * const views = makeViews(batch);
 * return withCleanup(
 *   () => step(views),
 *   () => tf.dispose(views),
 * );
 * ```
 */
export function withCleanup<T>(body: () => T, cleanup: () => void): T {
  let result: T;
  try {
    result = body();
  } catch (error) {
    try {
      cleanup();
    } catch (cleanupError) {
      // Keep the first error (it explains what went wrong); attach the second one to it.
      if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
        if (!Object.hasOwn(error, 'suppressed')) {
          Object.defineProperty(error, 'suppressed', { value: cleanupError, configurable: true });
        }
      }
    }
    throw error;
  }
  cleanup();
  return result;
}
