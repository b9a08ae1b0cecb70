import { isFinishedDropStatus, type TDropStatus } from './drop-report.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Hours a drop that has failed at least once may stay unfinished before operators are
 * told. A failing drop is re-dispatched every hour and tried `retry.attempts` times each
 * time, so by then it has failed ~6 full rounds; a drop that merely restarted once (a
 * worker killed mid-load) and then loads normally finishes well within it.
 */
export const STUCK_DROP_FAILED_HOURS = 6;

/**
 * Hours any drop may stay unfinished, even on its first attempt: a load never takes a
 * day (the largest allowed file loads in well under an hour), so a first attempt still
 * "running" after 24 h is hung, and a drop never claimed that long means intake is not
 * running at all.
 */
export const STUCK_DROP_ANY_HOURS = 24;

/** How long one `drop_stuck` alert stands for its drop before a still-stuck drop is alerted again. */
export const STUCK_DROP_ALERT_REPEAT_MS = 7 * 24 * HOUR_MS;

/**
 * Whether a drop is stuck and operators must be told: still unfinished
 * `STUCK_DROP_FAILED_HOURS` after it was received with at least two attempts (it failed
 * at least once), or `STUCK_DROP_ANY_HOURS` after whatever its attempts; a drop an
 * operator retried counts from the retry (`retriedAt`). A drop whose
 * first attempt is a long load (one attempt, job still running: the hourly re-dispatch
 * adds nothing to it) is left alone for a day.
 *
 * @example
 * isStuckDrop({ status: 'processing', attempts: 30, receivedAt: new Date('2026-12-06T08:00:00Z') },
 *   new Date('2026-12-06T14:00:00Z')) // true
 */
export function isStuckDrop(
  drop: { status: TDropStatus; attempts: number; receivedAt: Date; retriedAt?: Date | null },
  now: Date,
): boolean {
  if (isFinishedDropStatus(drop.status)) return false;
  const unfinishedMs = now.getTime() - (drop.retriedAt ?? drop.receivedAt).getTime();
  if (unfinishedMs >= STUCK_DROP_ANY_HOURS * HOUR_MS) return true;
  return drop.attempts >= 2 && unfinishedMs >= STUCK_DROP_FAILED_HOURS * HOUR_MS;
}
