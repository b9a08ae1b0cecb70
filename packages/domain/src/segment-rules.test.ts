import { describe, expect, it } from 'vitest';
import {
  ageBand,
  appetenceFromDecayedSpend,
  appetenceScore,
  frequencyScore,
  latestStartForMonths,
  monetaryScore,
  recencyScore,
  rfmSegment,
  SEGMENT_DEFINITIONS,
  SEGMENTS_VERSION,
  wholeMonthsBetween,
} from './segment-rules.ts';

describe('latestStartForMonths', () => {
  it('is the last date with that many whole months, at month ends and leap days', () => {
    expect(latestStartForMonths('2024-02-29', 12)).toBe('2023-02-28');
    expect(latestStartForMonths('2024-03-31', 1)).toBe('2024-02-29');
    expect(latestStartForMonths('2026-12-03', 0)).toBe('2026-12-03');
    expect(latestStartForMonths('2026-12-03', 35 * 12)).toBe('1991-12-03');
  });

  it('splits the dates exactly where wholeMonthsBetween reaches the months', () => {
    const day = (iso: string, offset: number) =>
      new Date(Date.parse(iso) + offset * 86_400_000).toISOString().slice(0, 10);
    for (const to of ['2024-02-29', '2025-02-28', '2026-03-31', '2026-12-03', '2027-01-30']) {
      for (const months of [0, 1, 11, 12, 13, 25, 420, 780]) {
        const latest = latestStartForMonths(to, months);
        for (let offset = -40; offset <= 40; offset += 1) {
          const from = day(latest, offset);
          if (from > to) continue;
          expect(wholeMonthsBetween(from, to) >= months, `${from} → ${to}, ${months}`).toBe(
            offset <= 0,
          );
        }
      }
    }
  });
});

describe('wholeMonthsBetween', () => {
  it('counts whole months, the day clamped to the end of a shorter month', () => {
    expect(wholeMonthsBetween('2026-01-15', '2026-01-15')).toBe(0);
    expect(wholeMonthsBetween('2026-01-15', '2026-02-14')).toBe(0);
    expect(wholeMonthsBetween('2026-01-15', '2026-02-15')).toBe(1);
    expect(wholeMonthsBetween('2026-01-31', '2026-02-27')).toBe(0);
    expect(wholeMonthsBetween('2026-01-31', '2026-02-28')).toBe(1);
    expect(wholeMonthsBetween('2024-01-31', '2024-02-28')).toBe(0);
    expect(wholeMonthsBetween('2024-01-31', '2024-02-29')).toBe(1);
    expect(wholeMonthsBetween('2025-03-31', '2025-04-30')).toBe(1);
    expect(wholeMonthsBetween('2023-11-23', '2026-11-23')).toBe(36);
    expect(wholeMonthsBetween('2023-11-24', '2026-11-23')).toBe(35);
  });

  it('counts a date after the reference as 0 months', () => {
    expect(wholeMonthsBetween('2026-03-01', '2026-01-01')).toBe(0);
  });

  it('rejects a value that is not an ISO date', () => {
    expect(() => wholeMonthsBetween('01/02/2026', '2026-01-01')).toThrow(/ISO date/);
  });
});

describe('ageBand', () => {
  it('bands the age in whole years', () => {
    expect(ageBand('2008-06-15', '2026-06-14')).toBe('under_18');
    expect(ageBand('2008-06-15', '2026-06-15')).toBe('18-24');
    expect(ageBand('2001-06-15', '2026-06-15')).toBe('25-34');
    expect(ageBand('1990-06-15', '2026-06-14')).toBe('35-44');
    expect(ageBand('1981-06-15', '2026-06-15')).toBe('45-54');
    expect(ageBand('1971-06-15', '2026-06-15')).toBe('55-64');
    expect(ageBand('1961-06-15', '2026-06-15')).toBe('65-74');
    expect(ageBand('1951-06-15', '2026-06-15')).toBe('75+');
  });

  it('ages a 29 February birthday on 28 February of a common year', () => {
    expect(ageBand('2008-02-29', '2026-02-27')).toBe('under_18');
    expect(ageBand('2008-02-29', '2026-02-28')).toBe('18-24');
  });

  it('is unknown without a birth date or with one in the future', () => {
    expect(ageBand(null, '2026-01-01')).toBe('unknown');
    expect(ageBand('2026-01-02', '2026-01-01')).toBe('unknown');
  });
});

describe('recencyScore', () => {
  const today = '2026-06-30';
  it('scores the whole months since the last transaction', () => {
    expect(recencyScore(null, today)).toBe(0);
    expect(recencyScore('2026-06-30', today)).toBe(5);
    expect(recencyScore('2026-03-31', today)).toBe(4); // 30 June is March 31 + 3 months (clamped)
    expect(recencyScore('2026-04-01', today)).toBe(5);
    expect(recencyScore('2026-01-01', today)).toBe(4);
    expect(recencyScore('2025-12-31', today)).toBe(3);
    expect(recencyScore('2025-07-01', today)).toBe(3);
    expect(recencyScore('2025-06-30', today)).toBe(2);
    expect(recencyScore('2024-07-01', today)).toBe(2);
    expect(recencyScore('2024-06-30', today)).toBe(1);
    expect(recencyScore('2027-01-01', today)).toBe(5);
  });
});

describe('frequencyScore and monetaryScore', () => {
  it('scores counts at their boundaries', () => {
    expect([0, 1, 2, 3, 4, 5, 9, 10, 250].map(frequencyScore)).toEqual([0, 1, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('scores amounts at their boundaries', () => {
    expect(
      [-10, 0, 0.01, 49.99, 50, 149.99, 150, 399.99, 400, 999.99, 1000, 5000].map(monetaryScore),
    ).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
});

describe('rfmSegment', () => {
  it('names the segments', () => {
    expect(rfmSegment(0, 0, 0)).toBe('prospect');
    expect(rfmSegment(4, 4, 4)).toBe('active_high_value');
    expect(rfmSegment(5, 3, 5)).toBe('active_high_value');
    expect(rfmSegment(5, 3, 4)).toBe('active');
    expect(rfmSegment(3, 5, 5)).toBe('active');
    expect(rfmSegment(2, 5, 5)).toBe('lapsing');
    expect(rfmSegment(1, 5, 5)).toBe('lapsed');
  });
});

describe('appetenceScore', () => {
  it('saturates recency-decayed spend on a 200 € scale', () => {
    expect(appetenceScore([])).toBe(0);
    expect(appetenceScore([{ ageMonths: 0, amountEur: 200 }])).toBe(63);
    expect(appetenceScore([{ ageMonths: 0, amountEur: 100 }])).toBe(39);
    expect(appetenceScore([{ ageMonths: 12, amountEur: 400 }])).toBe(63);
    expect(appetenceScore([{ ageMonths: 0, amountEur: 600 }])).toBe(95);
    expect(appetenceScore([{ ageMonths: 0, amountEur: 100_000 }])).toBe(100);
  });

  it('lets refunds lower the spend but never below 0', () => {
    expect(
      appetenceScore([
        { ageMonths: 0, amountEur: 200 },
        { ageMonths: 0, amountEur: -100 },
      ]),
    ).toBe(39);
    expect(appetenceScore([{ ageMonths: 0, amountEur: -100 }])).toBe(0);
    expect(appetenceFromDecayedSpend(-5)).toBe(0);
  });
});

describe('SEGMENT_DEFINITIONS', () => {
  it('has unique names, a version and a description each', () => {
    const names = SEGMENT_DEFINITIONS.map((definition) => definition.name);
    expect(new Set(names).size).toBe(names.length);
    for (const definition of SEGMENT_DEFINITIONS) {
      expect(definition.version).toBeGreaterThanOrEqual(1);
      expect(definition.version).toBeLessThanOrEqual(SEGMENTS_VERSION);
      expect(definition.description.length).toBeGreaterThan(10);
      if (definition.values) expect(new Set(definition.values).size).toBe(definition.values.length);
    }
  });
});
