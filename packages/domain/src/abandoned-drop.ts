import { isFinishedDropStatus, type TDropStatus } from './drop-report.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Days a drop that keeps failing may stay unfinished before the platform gives up on it.
 * Operators were told long before (`drop_stuck` after 6 h); a week of hourly rounds that
 * all failed is no passing outage, and the member must hear that its file did not load
 * rather than wait for ever.
 */
export const ABANDONED_DROP_DAYS = 7;

/**
 * Whether the platform gives up on a drop (status `abandoned`, no more re-dispatch): still
 * unfinished `ABANDONED_DROP_DAYS` after it was received, with at least two attempts (it
 * failed at least once). A drop never taken up (intake not running) is not given up on:
 * the platform owes it one attempt at least. A drop an operator retried after it was
 * given up on counts from the retry (`retriedAt`), its attempts from zero again.
 *
 * @example
 * isAbandonedDrop({ status: 'processing', attempts: 300, receivedAt: new Date('2026-12-01T08:00:00Z') },
 *   new Date('2026-12-08T08:00:00Z')) // true
 */
export function isAbandonedDrop(
  drop: { status: TDropStatus; attempts: number; receivedAt: Date; retriedAt?: Date | null },
  now: Date,
): boolean {
  if (isFinishedDropStatus(drop.status)) return false;
  const unfinishedMs = now.getTime() - (drop.retriedAt ?? drop.receivedAt).getTime();
  return drop.attempts >= 2 && unfinishedMs >= ABANDONED_DROP_DAYS * DAY_MS;
}
