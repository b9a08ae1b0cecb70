import { describe, expect, it } from 'vitest';
import { ABANDONED_DROP_DAYS, isAbandonedDrop } from './abandoned-drop.ts';
import { ZDropStatus } from './drop-report.ts';
import { isStuckDrop } from './stuck-drop.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const RECEIVED_AT = new Date('2026-12-01T08:00:00Z');
const at = (ms: number) => new Date(RECEIVED_AT.getTime() + ms);

describe('isAbandonedDrop', () => {
  it('gives up on a failing drop exactly ABANDONED_DROP_DAYS after its receipt', () => {
    const drop = { status: 'processing' as const, attempts: 2, receivedAt: RECEIVED_AT };
    expect(isAbandonedDrop(drop, at(ABANDONED_DROP_DAYS * DAY_MS - 1))).toBe(false);
    expect(isAbandonedDrop(drop, at(ABANDONED_DROP_DAYS * DAY_MS))).toBe(true);
    expect(isAbandonedDrop({ ...drop, status: 'received' }, at(30 * DAY_MS))).toBe(true);
  });

  it('never gives up on a drop not taken up twice: the platform owes it an attempt', () => {
    for (const attempts of [0, 1]) {
      const drop = { status: 'received' as const, attempts, receivedAt: RECEIVED_AT };
      expect(isAbandonedDrop(drop, at(90 * DAY_MS))).toBe(false);
    }
  });

  it('leaves finished drops alone, abandoned ones included', () => {
    for (const status of ZDropStatus.exclude(['received', 'processing']).options) {
      const drop = { status, attempts: 40, receivedAt: RECEIVED_AT };
      expect(isAbandonedDrop(drop, at(90 * DAY_MS))).toBe(false);
    }
  });

  it('counts a drop an operator retried from the retry, for giving up and for alerting', () => {
    const retriedAt = at(10 * DAY_MS);
    const drop = { status: 'received' as const, attempts: 2, receivedAt: RECEIVED_AT, retriedAt };
    const after = (ms: number) => new Date(retriedAt.getTime() + ms);
    expect(isAbandonedDrop(drop, after(ABANDONED_DROP_DAYS * DAY_MS - 1))).toBe(false);
    expect(isAbandonedDrop(drop, after(ABANDONED_DROP_DAYS * DAY_MS))).toBe(true);
    expect(isStuckDrop(drop, after(5 * 60 * 60 * 1000))).toBe(false);
    expect(isStuckDrop(drop, after(6 * 60 * 60 * 1000))).toBe(true);
    // No retry: the receipt, as before.
    expect(isAbandonedDrop({ ...drop, retriedAt: null }, after(0))).toBe(true);
  });

  it('comes after the drop_stuck alert: operators are told first', () => {
    const drop = { status: 'processing' as const, attempts: 2, receivedAt: RECEIVED_AT };
    for (let hours = 0; hours <= ABANDONED_DROP_DAYS * 24; hours += 1) {
      const now = at(hours * 60 * 60 * 1000);
      if (isAbandonedDrop(drop, now)) expect(isStuckDrop(drop, now)).toBe(true);
    }
    expect(isStuckDrop({ ...drop, status: 'abandoned' }, at(90 * DAY_MS))).toBe(false);
  });
});
