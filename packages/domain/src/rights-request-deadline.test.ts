import { describe, expect, it } from 'vitest';
import { rightsRequestDeadline } from './rights-request-deadline.ts';

const deadline = (receivedAt: string, months = 1) =>
  rightsRequestDeadline(new Date(receivedAt), months).toISOString();

describe('rightsRequestDeadline', () => {
  it('ends with the last hour of the same date a month on, French time', () => {
    // 15 March, 10:30 in Paris: due at the end of 15 April (summer time, UTC+2).
    expect(deadline('2027-03-15T09:30:00Z')).toBe('2027-04-15T21:59:59.999Z');
    // Winter time (UTC+1).
    expect(deadline('2027-11-10T08:00:00Z')).toBe('2027-12-10T22:59:59.999Z');
    // Across a year.
    expect(deadline('2027-12-20T08:00:00Z')).toBe('2028-01-20T22:59:59.999Z');
  });

  it('ends on the last day of a shorter month', () => {
    expect(deadline('2027-01-31T09:00:00Z')).toBe('2027-02-28T22:59:59.999Z');
    expect(deadline('2028-01-31T09:00:00Z')).toBe('2028-02-29T22:59:59.999Z');
    expect(deadline('2027-05-31T09:00:00Z')).toBe('2027-06-30T21:59:59.999Z');
  });

  it('takes the day of receipt in Paris, not in UTC, around midnight', () => {
    // 31 January 00:30 in Paris is still 30 January in UTC: due 28 February, not 1 March.
    expect(deadline('2027-01-30T23:30:00Z')).toBe('2027-02-28T22:59:59.999Z');
    // 1 March 00:30 in Paris is still 28 February in UTC: due 1 April, not 28 March.
    expect(deadline('2027-02-28T23:30:00Z')).toBe('2027-04-01T21:59:59.999Z');
  });

  it('counts extended deadlines from the receipt, not from the clamped first deadline', () => {
    // Received 31 January: one month is 28 February, three months 30 April (not 28 April).
    expect(deadline('2027-01-31T09:00:00Z', 2)).toBe('2027-03-31T21:59:59.999Z');
    expect(deadline('2027-01-31T09:00:00Z', 3)).toBe('2027-04-30T21:59:59.999Z');
  });

  it('ends the day a clock change shortens or lengthens at its real end', () => {
    // The day summer time starts (28 March 2027, 23 hours) and the day it ends (31 October, 25).
    expect(deadline('2027-02-28T09:00:00Z')).toBe('2027-03-28T21:59:59.999Z');
    expect(deadline('2027-07-31T09:00:00Z', 3)).toBe('2027-10-31T22:59:59.999Z');
    // Received 1 October 00:30 in Paris (still 30 September in UTC).
    expect(deadline('2027-09-30T22:30:00Z')).toBe('2027-11-01T22:59:59.999Z');
  });
});
