import { describe, expect, it } from 'vitest';
import { parseMemberDate } from './parse-member-date.ts';

const ok = (value: string | null) => ({ ok: true, value });
const error = (reason: string) => ({ ok: false, reason });

describe('parseMemberDate with YYYY-MM-DD', () => {
  it('returns null for a blank date', () => {
    expect(parseMemberDate('', 'YYYY-MM-DD')).toEqual(ok(null));
    expect(parseMemberDate('   ', 'YYYY-MM-DD')).toEqual(ok(null));
  });

  it('reads the date and drops a time part', () => {
    expect(parseMemberDate('2024-03-01', 'YYYY-MM-DD')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate(' 2024-3-1 ', 'YYYY-MM-DD')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('2024-03-01T10:00:00Z', 'YYYY-MM-DD')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('2024-03-01 10:00:00', 'YYYY-MM-DD')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('2024-03-01T23:59:59.123+01:00', 'YYYY-MM-DD')).toEqual(
      ok('2024-03-01'),
    );
    expect(parseMemberDate('2024-03-01 08:30', 'YYYY-MM-DD')).toEqual(ok('2024-03-01'));
  });

  it('knows leap years', () => {
    expect(parseMemberDate('2024-02-29', 'YYYY-MM-DD')).toEqual(ok('2024-02-29'));
    expect(parseMemberDate('2000-02-29', 'YYYY-MM-DD')).toEqual(ok('2000-02-29'));
    expect(parseMemberDate('2023-02-29', 'YYYY-MM-DD')).toEqual(error('impossible date'));
    expect(parseMemberDate('1900-02-29', 'YYYY-MM-DD')).toEqual(error('impossible date'));
  });

  it('refuses impossible dates and times', () => {
    expect(parseMemberDate('2024-13-01', 'YYYY-MM-DD')).toEqual(error('impossible date'));
    expect(parseMemberDate('2024-00-10', 'YYYY-MM-DD')).toEqual(error('impossible date'));
    expect(parseMemberDate('2024-04-31', 'YYYY-MM-DD')).toEqual(error('impossible date'));
    expect(parseMemberDate('2024-04-00', 'YYYY-MM-DD')).toEqual(error('impossible date'));
    expect(parseMemberDate('2024-04-30T24:00:00', 'YYYY-MM-DD')).toEqual(error('impossible time'));
    expect(parseMemberDate('2024-04-30 10:75', 'YYYY-MM-DD')).toEqual(error('impossible time'));
  });

  it('refuses other layouts and years out of range', () => {
    for (const raw of ['01/03/2024', '20240301', '2024/03/01', '24-03-01', '2024-03-01T', 'hier']) {
      expect(parseMemberDate(raw, 'YYYY-MM-DD')).toEqual(error('expected YYYY-MM-DD'));
    }
    expect(parseMemberDate('1899-12-31', 'YYYY-MM-DD')).toEqual(error('year out of range'));
    expect(parseMemberDate('2101-01-01', 'YYYY-MM-DD')).toEqual(error('year out of range'));
    expect(parseMemberDate('1900-01-01', 'YYYY-MM-DD')).toEqual(ok('1900-01-01'));
    expect(parseMemberDate('2100-12-31', 'YYYY-MM-DD')).toEqual(ok('2100-12-31'));
  });
});

describe('parseMemberDate with DD/MM/YYYY', () => {
  it('reads day first with slashes, dashes or dots, one or two digits', () => {
    expect(parseMemberDate('01/03/2024', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('1/3/2024', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('01-03-2024', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('01.03.2024', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('14/07/1989', 'DD/MM/YYYY')).toEqual(ok('1989-07-14'));
  });

  it('drops a time part', () => {
    expect(parseMemberDate('01/03/2024 10:00', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
    expect(parseMemberDate('01/03/2024 10:00:00', 'DD/MM/YYYY')).toEqual(ok('2024-03-01'));
  });

  it('refuses impossible dates', () => {
    expect(parseMemberDate('31/02/2024', 'DD/MM/YYYY')).toEqual(error('impossible date'));
    expect(parseMemberDate('29/02/2023', 'DD/MM/YYYY')).toEqual(error('impossible date'));
    expect(parseMemberDate('29/02/2024', 'DD/MM/YYYY')).toEqual(ok('2024-02-29'));
    expect(parseMemberDate('01/13/2024', 'DD/MM/YYYY')).toEqual(error('impossible date'));
    expect(parseMemberDate('31/04/2024', 'DD/MM/YYYY')).toEqual(error('impossible date'));
  });

  it('refuses other layouts and years out of range', () => {
    for (const raw of [
      '2024-03-01',
      '01/03/24',
      '01/03-2024',
      '1er mars 2024',
      '01032024',
      '001/03/2024',
    ]) {
      expect(parseMemberDate(raw, 'DD/MM/YYYY')).toEqual(error('expected DD/MM/YYYY'));
    }
    expect(parseMemberDate('01/01/1850', 'DD/MM/YYYY')).toEqual(error('year out of range'));
    expect(parseMemberDate('01/01/2200', 'DD/MM/YYYY')).toEqual(error('year out of range'));
  });
});

describe('parseMemberDate with a latest accepted date', () => {
  it('refuses a date after the limit, in either layout, and keeps the limit itself', () => {
    const notAfter = '2026-11-24';
    expect(parseMemberDate('2026-11-24', 'YYYY-MM-DD', { notAfter })).toEqual(ok('2026-11-24'));
    expect(parseMemberDate('2026-11-24T23:59:59Z', 'YYYY-MM-DD', { notAfter })).toEqual(
      ok('2026-11-24'),
    );
    expect(parseMemberDate('2026-11-25', 'YYYY-MM-DD', { notAfter })).toEqual(
      error('date after the day the file was received'),
    );
    expect(parseMemberDate('01/06/2099', 'DD/MM/YYYY', { notAfter })).toEqual(
      error('date after the day the file was received'),
    );
    expect(parseMemberDate('24/11/2026', 'DD/MM/YYYY', { notAfter })).toEqual(ok('2026-11-24'));
    expect(parseMemberDate('', 'YYYY-MM-DD', { notAfter })).toEqual(ok(null));
  });

  it('reports an unreadable date as such before comparing', () => {
    expect(parseMemberDate('2099-02-30', 'YYYY-MM-DD', { notAfter: '2026-11-24' })).toEqual(
      error('impossible date'),
    );
  });
});
