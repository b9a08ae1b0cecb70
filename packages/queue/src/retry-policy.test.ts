import { describe, expect, it } from 'vitest';
import { computeBackoffMs, resolveRetryPolicy } from './retry-policy.ts';

describe('retry policy', () => {
  it('defaults to 5 attempts, 2 s doubling', () => {
    const policy = resolveRetryPolicy();
    expect(policy).toEqual({ attempts: 5, backoffMs: 2000 });
    expect([1, 2, 3, 4].map((failures) => computeBackoffMs(policy, failures))).toEqual([
      2000, 4000, 8000, 16000,
    ]);
  });

  it('rejects policies that would never run or never end', () => {
    expect(() => resolveRetryPolicy({ attempts: 0 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ attempts: 1.5 })).toThrow(RangeError);
    expect(() => resolveRetryPolicy({ backoffMs: -1 })).toThrow(RangeError);
  });
});
