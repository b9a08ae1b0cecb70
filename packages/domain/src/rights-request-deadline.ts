/** The time zone of the platform's legal calendar: deadlines fall on French calendar days. */
export const RIGHTS_DEADLINE_TIME_ZONE = 'Europe/Paris';

const calendarDay = new Intl.DateTimeFormat('en-US', {
  timeZone: RIGHTS_DEADLINE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/**
 * The deadline of a rights request received at `receivedAt`, `months` calendar months on
 * (one; up to three with the extensions of Art. 12(3), always counted from the receipt):
 * the end of the day, in French time, that bears the same date as the day of receipt
 * `months` later, or the last day of that month when it is shorter (Regulation (EEC,
 * Euratom) No 1182/71, Art. 3: a period in months ends with the last hour of that day).
 *
 * @example
 * rightsRequestDeadline(new Date('2027-01-31T09:00:00Z'), 1) // 2027-02-28T22:59:59.999Z (end of 28 Feb, Paris)
 */
export function rightsRequestDeadline(receivedAt: Date, months: number): Date {
  const received = partsInZone(receivedAt.getTime());
  const totalMonths = received.year * 12 + (received.month - 1) + Math.trunc(months);
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(received.day, lastDay);
  // The end of that day is the start of the next one, less a millisecond.
  return new Date(startOfDayInZone(year, month, day + 1) - 1);
}

interface TZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsInZone(instant: number): TZonedParts {
  const parts = calendarDay.formatToParts(new Date(instant));
  const value = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value);
  return {
    year: value('year'),
    month: value('month'),
    day: value('day'),
    hour: value('hour'),
    minute: value('minute'),
    second: value('second'),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number): number {
  const wall = partsInZone(instant);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant the zone's day `year-(month+1)-day` starts (`Date.UTC` arguments: month from 0,
 * days past the month's end roll over). Midnight is never inside a French clock change
 * (they happen at 02:00 and 03:00), so two rounds settle the offset.
 */
function startOfDayInZone(year: number, month: number, day: number): number {
  const wallMidnight = Date.UTC(year, month, day);
  const first = wallMidnight - zoneOffsetMs(wallMidnight);
  return wallMidnight - zoneOffsetMs(first);
}
