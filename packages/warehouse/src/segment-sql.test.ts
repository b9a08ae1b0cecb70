import {
  ageBand,
  appetenceScore,
  frequencyScore,
  monetaryScore,
  recencyScore,
  rfmSegment,
  SEGMENT_DEFINITIONS,
  wholeMonthsBetween,
} from '@alliage/domain';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ageBandSql,
  appetenceFromDecayedSpendSql,
  decayedAmountSql,
  frequencyScoreSql,
  monetaryScoreSql,
  recencyScoreSql,
  rfmSegmentSql,
  segmentValueSql,
  sqlDate,
  wholeMonthsSql,
} from './segment-sql.ts';
import { seededRandom } from './testing/index.ts';

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Month starts, the 15th, 28th to 31st and month ends of every month of the years. */
function edgeDates(
  fromYear: number,
  toYear: number,
  months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
) {
  const dates: string[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (const month of months) {
      for (const day of [1, 15, 28, 29, 30, 31]) {
        if (day <= lastDay(year, month)) dates.push(isoDate(year, month, day));
      }
    }
  }
  return dates;
}

function valuesList(values: string[]): string {
  return values.map((value) => `(${value})`).join(', ');
}

describe('segment SQL mirrors the domain rules', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  async function rows(sql: string): Promise<unknown[][]> {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  }

  it('counts whole months and scores recency like the domain, month ends and leap days included', async () => {
    const froms = edgeDates(2019, 2029);
    const todays = edgeDates(2023, 2028, [1, 2, 3, 6, 12]);
    const result = await rows(`
      SELECT CAST(f AS VARCHAR), CAST(t AS VARCHAR), ${wholeMonthsSql('f', 't')}, ${recencyScoreSql('f', 't')}
      FROM (VALUES ${valuesList(froms.map((date) => `DATE '${date}'`))}) a(f)
      CROSS JOIN (VALUES ${valuesList(todays.map((date) => `DATE '${date}'`))}) b(t)`);
    expect(result.length).toBe(froms.length * todays.length);
    const mismatches = result.filter(([from, to, months, score]) => {
      return (
        Number(months) !== wholeMonthsBetween(from as string, to as string) ||
        score !== recencyScore(from as string, to as string)
      );
    });
    expect(mismatches).toEqual([]);
    const [nullRow] = await rows(
      `SELECT ${recencyScoreSql('CAST(NULL AS DATE)', sqlDate('2026-01-01'))}`,
    );
    expect(nullRow?.[0]).toBe(recencyScore(null, '2026-01-01'));
  });

  it('bands ages like the domain, 29 February birthdays included', async () => {
    const births = edgeDates(1940, 2028, [1, 2, 3, 6, 12]);
    const todays = edgeDates(2025, 2028, [2, 3, 12]);
    const result = await rows(`
      SELECT CAST(b AS VARCHAR), CAST(t AS VARCHAR), ${ageBandSql('b', 't')}
      FROM (VALUES ${valuesList([...births.map((date) => `DATE '${date}'`), 'CAST(NULL AS DATE)'])}) a(b)
      CROSS JOIN (VALUES ${valuesList(todays.map((date) => `DATE '${date}'`))}) c(t)`);
    expect(result.length).toBe((births.length + 1) * todays.length);
    const mismatches = result.filter(
      ([birth, today, band]) => band !== ageBand(birth as string | null, today as string),
    );
    expect(mismatches).toEqual([]);
  });

  it('scores frequency and monetary amounts like the domain at every boundary', async () => {
    const random = seededRandom(7);
    const counts = [-1, ...Array.from({ length: 31 }, (_, count) => count)];
    for (let index = 0; index < 200; index++) counts.push(Math.floor(random() * 5000));
    const frequency = await rows(
      `SELECT c, ${frequencyScoreSql('c')} FROM (VALUES ${valuesList(counts.map(String))}) v(c)`,
    );
    expect(frequency.filter(([count, score]) => score !== frequencyScore(Number(count)))).toEqual(
      [],
    );

    const amounts = ['-10.00', '0.00', '0.01'];
    for (const boundary of [50, 150, 400, 1000]) {
      amounts.push((boundary - 0.01).toFixed(2), boundary.toFixed(2), (boundary + 0.01).toFixed(2));
    }
    for (let index = 0; index < 500; index++) amounts.push((random() * 3000 - 100).toFixed(2));
    const monetary = await rows(
      `SELECT CAST(a AS VARCHAR), ${monetaryScoreSql('a')}
       FROM (VALUES ${valuesList(amounts.map((amount) => `CAST('${amount}' AS DECIMAL(14, 2))`))}) v(a)`,
    );
    expect(monetary.filter(([amount, score]) => score !== monetaryScore(Number(amount)))).toEqual(
      [],
    );
  });

  it('names RFM segments like the domain for every score combination', async () => {
    const combinations: string[] = [];
    for (let r = 0; r <= 5; r++)
      for (let f = 0; f <= 5; f++)
        for (let m = 0; m <= 5; m++) combinations.push(`${r}, ${f}, ${m}`);
    const result = await rows(
      `SELECT r, f, m, ${rfmSegmentSql('r', 'f', 'm')} FROM (VALUES ${valuesList(combinations)}) v(r, f, m)`,
    );
    expect(result).toHaveLength(216);
    expect(
      result.filter(
        ([r, f, m, segment]) => segment !== rfmSegment(Number(r), Number(f), Number(m)),
      ),
    ).toEqual([]);
  });

  it('computes appetence like the domain from transaction dates', async () => {
    const random = seededRandom(42);
    const today = '2026-02-28';
    const transactionDates = edgeDates(2022, 2026);
    const values: string[] = [];
    const groups = new Map<number, { date: string; amount: string }[]>();
    for (let group = 0; group < 3000; group++) {
      const transactions: { date: string; amount: string }[] = [];
      const size = group % 50 === 0 ? 0 : 1 + Math.floor(random() * 8);
      for (let index = 0; index < size; index++) {
        const date = transactionDates[Math.floor(random() * transactionDates.length)] as string;
        const amount = (
          random() < 0.05 ? -random() * 80 : random() * (random() < 0.5 ? 150 : 900)
        ).toFixed(2);
        transactions.push({ date, amount });
        values.push(`${group}, DATE '${date}', CAST('${amount}' AS DECIMAL(14, 2))`);
      }
      groups.set(group, transactions);
    }
    const result = await rows(`
      SELECT g, ${appetenceFromDecayedSpendSql(`sum(${decayedAmountSql('a', wholeMonthsSql('d', sqlDate(today)))})`)}
      FROM (VALUES ${valuesList(values)}) v(g, d, a) GROUP BY g`);
    const scores = new Map(result.map(([group, score]) => [Number(group), score]));
    const [emptyScore] = await rows(
      `SELECT ${appetenceFromDecayedSpendSql('CAST(NULL AS DOUBLE)')}`,
    );
    const mismatches: number[] = [];
    for (const [group, transactions] of groups) {
      const expected = appetenceScore(
        transactions.map((transaction) => ({
          ageMonths: wholeMonthsBetween(transaction.date, today),
          amountEur: Number(transaction.amount),
        })),
      );
      const actual = transactions.length === 0 ? 0 : scores.get(group);
      if (actual !== expected) mismatches.push(group);
    }
    expect(mismatches).toEqual([]);
    // A person without transactions in the sector sums to NULL, which scores like no transaction.
    expect(emptyScore?.[0]).toBe(appetenceScore([]));
    const spread = new Set(scores.values());
    expect(spread.size).toBeGreaterThan(50);
  });

  it('gives each sector segment the value of a person without purchase that the SQL gives', async () => {
    // The profile columns of a holder with no purchase in the sector (sector-profile-sql.ts).
    const profile = `SELECT ${recencyScoreSql('NULL::DATE', sqlDate('2026-06-30'))} AS recency_score,
        ${frequencyScoreSql('0')} AS frequency_score, ${monetaryScoreSql('0')} AS monetary_score,
        ${appetenceFromDecayedSpendSql('0')} AS appetence_score`;
    const sectorSegments = SEGMENT_DEFINITIONS.filter(
      (definition) => segmentValueSql(definition.name).table === 'person_sector_profile',
    );
    expect(sectorSegments.map((definition) => definition.name).sort()).toEqual([
      'appetence_score',
      'frequency_score',
      'monetary_score',
      'recency_score',
      'rfm_segment',
    ]);
    for (const { name } of sectorSegments) {
      const { value, withoutPurchase } = segmentValueSql(name);
      const [[actual] = []] = await rows(`SELECT ${value} FROM (SELECT *,
          ${rfmSegmentSql('recency_score', 'frequency_score', 'monetary_score')} AS rfm_segment
        FROM (${profile}))`);
      expect(withoutPurchase, name).toBe(actual);
    }
  });

  it('refuses a today that is not an ISO date', () => {
    expect(() => sqlDate("2026-01-01' OR 1=1")).toThrow(/ISO date/);
  });
});
