import { describe, expect, it } from 'vitest';
import { ZDropStatus } from './drop-report.ts';
import { isStuckDrop, STUCK_DROP_ANY_HOURS, STUCK_DROP_FAILED_HOURS } from './stuck-drop.ts';

const receivedAt = new Date('2026-12-06T08:00:00Z');
const hoursLater = (hours: number) => new Date(receivedAt.getTime() + hours * 60 * 60 * 1000);

describe('isStuckDrop', () => {
  it('flags a drop that keeps failing once it is unfinished for the failed-drop threshold', () => {
    const drop = { status: 'processing' as const, attempts: 30, receivedAt };
    expect(isStuckDrop(drop, hoursLater(STUCK_DROP_FAILED_HOURS))).toBe(true);
    expect(isStuckDrop(drop, new Date(hoursLater(STUCK_DROP_FAILED_HOURS).getTime() - 1))).toBe(
      false,
    );
    expect(isStuckDrop(drop, hoursLater(1))).toBe(false);
  });

  it('leaves a long first load alone for a day', () => {
    const drop = { status: 'processing' as const, attempts: 1, receivedAt };
    expect(isStuckDrop(drop, hoursLater(STUCK_DROP_FAILED_HOURS + 5))).toBe(false);
    expect(isStuckDrop(drop, hoursLater(STUCK_DROP_ANY_HOURS))).toBe(true);
  });

  it('flags a drop never claimed after a day (intake not running)', () => {
    const drop = { status: 'received' as const, attempts: 0, receivedAt };
    expect(isStuckDrop(drop, hoursLater(STUCK_DROP_FAILED_HOURS))).toBe(false);
    expect(isStuckDrop(drop, hoursLater(STUCK_DROP_ANY_HOURS))).toBe(true);
  });

  it('never flags a finished drop, however old and however many attempts', () => {
    const stuck = ZDropStatus.options.filter((status) =>
      isStuckDrop({ status, attempts: 50, receivedAt }, hoursLater(1000)),
    );
    expect(stuck).toEqual(['received', 'processing']);
  });
});
