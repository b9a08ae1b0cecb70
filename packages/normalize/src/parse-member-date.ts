import { fieldError, fieldOk, type TFieldResult } from './field-result.ts';

/** Date layouts a member's dialect profile can declare. */
export type TMemberDateFormat = 'YYYY-MM-DD' | 'DD/MM/YYYY';

// An optional time after the date is accepted and dropped: exports often carry one.
const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`);
// Day and month take one or two digits; the two separators must be the same.
const FRENCH_DATE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

/** Why a date later than `notAfter` is refused (the member file's dates cannot be in the future). */
const FUTURE_DATE = 'date after the day the file was received';

/**
 * Parses a date in the member's declared layout to ISO `YYYY-MM-DD`; null when blank.
 * With `notAfter` (ISO, see `latestAcceptedDate`), a later date is refused.
 *
 * @example
 * parseMemberDate('1/3/2024', 'DD/MM/YYYY') // { ok: true, value: '2024-03-01' }
 * parseMemberDate('2099-06-01', 'YYYY-MM-DD', { notAfter: '2026-11-24' }) // { ok: false, … }
 */
export function parseMemberDate(
  raw: string,
  format: TMemberDateFormat,
  options: { notAfter?: string } = {},
): TFieldResult<string | null> {
  const text = raw.trim();
  if (text === '') return fieldOk(null);
  let year: string;
  let month: string;
  let day: string;
  let time: ReadonlyArray<string | undefined>;
  if (format === 'YYYY-MM-DD') {
    const parts = ISO_DATE.exec(text);
    if (parts === null) return fieldError('expected YYYY-MM-DD');
    [, year = '', month = '', day = ''] = parts;
    time = parts.slice(4, 7);
  } else {
    const parts = FRENCH_DATE.exec(text);
    if (parts === null) return fieldError('expected DD/MM/YYYY');
    [, day = '', , month = '', year = ''] = parts;
    time = parts.slice(5, 8);
  }
  const date = checkCalendarDate(Number(year), Number(month), Number(day), time);
  // ISO dates compare as text.
  if (date.ok && options.notAfter !== undefined && date.value > options.notAfter) {
    return fieldError(FUTURE_DATE);
  }
  return date;
}

function checkCalendarDate(
  year: number,
  month: number,
  day: number,
  [hour, minute, second]: ReadonlyArray<string | undefined>,
): TFieldResult<string> {
  if (year < MIN_YEAR || year > MAX_YEAR) return fieldError('year out of range');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fieldError('impossible date');
  }
  // A leap second (60) is a real timestamp; hour 24 is not accepted.
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 60) {
    return fieldError('impossible time');
  }
  return fieldOk(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
