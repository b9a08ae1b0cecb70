/** How often a job runs before it fails, and how long it waits between runs. */
export interface TRetryPolicy {
  /** Total runs, the first included. */
  attempts: number;
  /** Wait before the first retry; each later wait doubles. */
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: TRetryPolicy = { attempts: 5, backoffMs: 2000 };

/** Fills a partial policy with the defaults and rejects values that would never run or never wait. */
export function resolveRetryPolicy(policy: Partial<TRetryPolicy> = {}): TRetryPolicy {
  const resolved = { ...DEFAULT_RETRY_POLICY, ...policy };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer >= 1, got ${resolved.attempts}`);
  }
  if (!Number.isFinite(resolved.backoffMs) || resolved.backoffMs < 0) {
    throw new RangeError(`retry.backoffMs must be >= 0, got ${resolved.backoffMs}`);
  }
  return resolved;
}

/**
 * Wait before the retry that follows the `failureCount`-th failure:
 * `backoffMs * 2^(failureCount - 1)`, the formula of BullMQ's exponential backoff,
 * so both queues wait alike.
 *
 * @example
 * computeBackoffMs({ attempts: 5, backoffMs: 2000 }, 3); // 8000
 */
export function computeBackoffMs(policy: TRetryPolicy, failureCount: number): number {
  return Math.round(policy.backoffMs * 2 ** Math.max(0, failureCount - 1));
}
