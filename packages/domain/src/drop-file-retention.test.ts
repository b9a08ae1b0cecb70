import { describe, expect, it } from 'vitest';
import { isDropFileDisposable } from './drop-file-retention.ts';
import { ZDropStatus } from './drop-report.ts';

const now = new Date('2026-11-23T12:00:00Z');
const receivedAt = new Date('2026-10-01T08:00:00Z');
const daysBefore = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

describe('isDropFileDisposable', () => {
  it.each(['accepted', 'rejected', 'duplicate', 'abandoned'] as const)(
    'lets the file of a drop %s long enough ago go',
    (status) => {
      const drop = { status, finishedAt: daysBefore(7), receivedAt };
      expect(isDropFileDisposable(drop, { now, retentionDays: 7 })).toBe(true);
      expect(isDropFileDisposable(drop, { now, retentionDays: 8 })).toBe(false);
    },
  );

  it('keeps the file of a drop a retry may still read, however old', () => {
    for (const status of ['received', 'processing'] as const) {
      const drop = { status, finishedAt: null, receivedAt: daysBefore(400) };
      expect(isDropFileDisposable(drop, { now, retentionDays: 0 })).toBe(false);
    }
  });

  it('knows every status', () => {
    // A status added later must be placed on one side or the other on purpose.
    const finished = ZDropStatus.options.filter((status) =>
      isDropFileDisposable(
        { status, finishedAt: daysBefore(1), receivedAt },
        { now, retentionDays: 0 },
      ),
    );
    // An abandoned drop is never tried again: its file goes like a rejected one's.
    expect(finished).toEqual(['accepted', 'rejected', 'duplicate', 'abandoned']);
  });

  it('with no retention, lets a finished file go at once', () => {
    const drop = { status: 'accepted' as const, finishedAt: now, receivedAt };
    expect(isDropFileDisposable(drop, { now, retentionDays: 0 })).toBe(true);
  });

  it('counts from reception when a finished drop has no end date', () => {
    const drop = { status: 'rejected' as const, finishedAt: null, receivedAt: daysBefore(10) };
    expect(isDropFileDisposable(drop, { now, retentionDays: 7 })).toBe(true);
    expect(isDropFileDisposable(drop, { now, retentionDays: 11 })).toBe(false);
  });
});
