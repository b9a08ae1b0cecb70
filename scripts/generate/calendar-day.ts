// Dates as whole UTC day numbers (days since 1970-01-01): cheap to compare and add,
// and free of time zones so the output is the same bytes on every machine.

const MS_PER_DAY = 86_400_000;

/**
 * Day number of a calendar date; months out of range roll over like Date.UTC.
 *
 * @example
 * dayFromParts(1970, 1, 2) // 1
 */
export function dayFromParts(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/**
 * Day number of an ISO date `YYYY-MM-DD`; throws on anything else.
 *
 * @example
 * dayFromIsoDate('2026-11-23') // 20415
 */
export function dayFromIsoDate(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new Error('the date must be an ISO date YYYY-MM-DD');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const dayNumber = dayFromParts(year, month, day);
  if (isoDateFromDay(dayNumber) !== isoDate) throw new Error('the date does not exist');
  return dayNumber;
}

/**
 * ISO date `YYYY-MM-DD` of a day number.
 *
 * @example
 * isoDateFromDay(0) // '1970-01-01'
 */
export function isoDateFromDay(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The same day of the month, `months` earlier (36 months is the retention limit).
 *
 * @example
 * subtractMonths(dayFromIsoDate('2026-11-23'), 36) // day of 2023-11-23
 */
export function subtractMonths(dayNumber: number, months: number): number {
  const date = new Date(dayNumber * MS_PER_DAY);
  return dayFromParts(date.getUTCFullYear(), date.getUTCMonth() + 1 - months, date.getUTCDate());
}

/**
 * A formatter from day numbers to a dialect's date format, memoised per day
 * (a pool spans a few thousand distinct days but millions of transactions).
 *
 * @example
 * createDayFormatter('DD/MM/YYYY')(0) // '01/01/1970'
 */
export function createDayFormatter(
  dateFormat: 'YYYY-MM-DD' | 'DD/MM/YYYY',
): (dayNumber: number) => string {
  const cache = new Map<number, string>();
  return (dayNumber) => {
    let text = cache.get(dayNumber);
    if (text === undefined) {
      const iso = isoDateFromDay(dayNumber);
      text =
        dateFormat === 'YYYY-MM-DD'
          ? iso
          : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
      cache.set(dayNumber, text);
    }
    return text;
  };
}
