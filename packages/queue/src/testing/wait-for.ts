/**
 * Polls `check` until it returns a value other than undefined/false, or fails
 * after `timeoutMs` with `message`: a bounded wait instead of a sleep.
 *
 * @example
 * await waitFor(() => seen.length === 2 || undefined, { message: 'two runs' });
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { message: string; timeoutMs?: number; intervalMs?: number },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms: ${options.message}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
