import { describe, expect, it } from 'vitest';
import { latestAcceptedDate } from './latest-accepted-date.ts';

describe('latestAcceptedDate', () => {
  it('is the day after the reception day, across month and year ends', () => {
    expect(latestAcceptedDate('2026-11-23')).toBe('2026-11-24');
    expect(latestAcceptedDate('2026-11-30')).toBe('2026-12-01');
    expect(latestAcceptedDate('2026-12-31')).toBe('2027-01-01');
    expect(latestAcceptedDate('2028-02-28')).toBe('2028-02-29');
  });

  it('refuses a reception day that is not an ISO date', () => {
    expect(() => latestAcceptedDate('23/11/2026')).toThrow(/YYYY-MM-DD/);
  });
});
