/**
 * `try { body } finally { cleanup }` that never hides the error that brought us to the cleanup.
 */

/**
 * Runs `body`, then `cleanup`, and returns what `body` returned. When `body` throws, `cleanup`
 * still runs, but an error thrown by `cleanup` is dropped so that the caller sees `body`'s error:
 * after a failed step (a crashed wasm heap, say) freeing tensors often fails too, and that second
 * error says nothing about the cause. When only `cleanup` throws, its error propagates.
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
    } catch {
      // Keep the first error: it is the one that explains what went wrong.
    }
    throw error;
  }
  cleanup();
  return result;
}
