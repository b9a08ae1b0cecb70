/**
 * `date` plus `months` calendar months, the day clamped to the end of a shorter month
 * (31 January + 1 month = 28/29 February), time of day kept; the rule of
 * `retentionCutoff`, forwards. Rights-request deadlines run on it.
 *
 * @example
 * addCalendarMonths(new Date('2027-01-31T09:00:00Z'), 1) // 2027-02-28T09:00:00Z
 */
export function addCalendarMonths(date: Date, months: number): Date {
  const totalMonths = date.getUTCFullYear() * 12 + date.getUTCMonth() + Math.trunc(months);
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return result;
}
