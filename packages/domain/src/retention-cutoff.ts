import { MAX_RETENTION_MONTHS } from './instruction.ts';

/**
 * How long a new record that looks past retention only because none of its
 * transactions has arrived yet (customers file before transactions file) is held
 * outside the pool, awaiting them, before it is deleted. See docs/pool.md.
 */
export const HOLD_WITHOUT_ACTIVITY_DAYS = 7;

/**
 * The oldest last-activity date a member record may have and stay in the pool
 * (DESIGN.md rule 4): `today` minus the retention in months, the day clamped to
 * the end of a shorter month (31 May − 3 months = 28/29 February). A record
 * whose last activity is BEFORE the cutoff is deleted. Retention above 36
 * months is capped at 36.
 *
 * @example
 * retentionCutoff('2026-11-23', 36) // '2023-11-23'
 */
export function retentionCutoff(today: string, retentionMonths: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(today);
  if (!match) throw new Error('today must be an ISO date');
  const months = Math.min(Math.max(Math.trunc(retentionMonths), 0), MAX_RETENTION_MONTHS);
  const totalMonths = Number(match[1]) * 12 + (Number(match[2]) - 1) - months;
  const year = Math.floor(totalMonths / 12);
  const month = (totalMonths % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(match[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Whether a record is past retention: its last activity (last transaction, or
 * collection date for a prospect with none) is before the cutoff.
 *
 * @example
 * isPastRetention({ lastTransaction: null, createdAt: '2023-01-01' }, '2023-11-23') // true
 */
export function isPastRetention(
  activity: { lastTransaction: string | null; createdAt: string },
  cutoff: string,
): boolean {
  return (activity.lastTransaction ?? activity.createdAt) < cutoff;
}
