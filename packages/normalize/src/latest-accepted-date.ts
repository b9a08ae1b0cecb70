const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The latest date a member file may carry for a transaction, a collection date
 * (`created_at`) or a birth date: the day after the day it was received. The day of
 * margin covers a member whose clock is ahead of UTC; anything later is in the
 * future, and a future activity date would keep a record out of the 36-month purge.
 *
 * @example
 * latestAcceptedDate('2026-11-23') // '2026-11-24'
 */
export function latestAcceptedDate(receivedDate: string): string {
  const parts = ISO_DAY.exec(receivedDate);
  if (parts === null) throw new Error('the reception day must be YYYY-MM-DD');
  const [, year, month, day] = parts;
  const next = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day) + 1));
  return next.toISOString().slice(0, 10);
}
