/** Schedules `callback` after `ms` milliseconds and returns what cancels it. */
export type ScheduleTimer = (callback: () => void, ms: number) => () => void;

/** A wait given up at its deadline; `code` (what timed out) is safe to log. */
export class DeadlineExceededError extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`deadline exceeded: ${code}`);
    this.name = 'DeadlineExceededError';
    this.code = code;
  }
}

/** The default timer: unref'd, so a pending deadline never keeps the process alive. */
export const scheduleWithSetTimeout: ScheduleTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Settles like `work`, or rejects with `DeadlineExceededError(code)` once `ms` have
 * passed on `schedule`. Node cannot cancel a file-system call or a query already
 * sent: `work` goes on, and what it later settles with is dropped here (its caller
 * must make sure a late completion changes nothing).
 *
 * @example
 * await withDeadline(lookupAccount('M01'), 10_000, scheduleWithSetTimeout, 'account_lookup_timeout');
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  schedule: ScheduleTimer,
  code: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = schedule(() => reject(new DeadlineExceededError(code)), ms);
    work.then(resolve, reject).finally(cancel);
  });
}

/** True when `error` is the deadline `code` given up by `withDeadline`. */
export function isDeadlineExceeded(error: unknown, code?: string): boolean {
  return error instanceof DeadlineExceededError && (code === undefined || error.code === code);
}
