import { describe, expect, it } from 'vitest';
import { addCalendarMonths } from './add-calendar-months.ts';

describe('addCalendarMonths', () => {
  it('adds months and keeps the time of day', () => {
    expect(addCalendarMonths(new Date('2027-03-15T09:30:00Z'), 1).toISOString()).toBe(
      '2027-04-15T09:30:00.000Z',
    );
    expect(addCalendarMonths(new Date('2027-11-30T00:00:00Z'), 2).toISOString()).toBe(
      '2028-01-30T00:00:00.000Z',
    );
  });

  it('clamps the day to the end of a shorter month', () => {
    expect(addCalendarMonths(new Date('2027-01-31T12:00:00Z'), 1).toISOString()).toBe(
      '2027-02-28T12:00:00.000Z',
    );
    expect(addCalendarMonths(new Date('2028-01-31T12:00:00Z'), 1).toISOString()).toBe(
      '2028-02-29T12:00:00.000Z',
    );
    expect(addCalendarMonths(new Date('2027-05-31T12:00:00Z'), 1).toISOString()).toBe(
      '2027-06-30T12:00:00.000Z',
    );
  });
});
