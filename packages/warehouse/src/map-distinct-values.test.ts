import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDistinct } from './map-distinct-values.ts';

describe('readDistinct', () => {
  let instance: DuckDBInstance;
  let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  /** Each row of `columns` as one array, sorted: the read's row order is not the query's. */
  const rowsOf = (columns: (string | null)[][]) =>
    (columns[0] ?? [])
      .map((_, index) => columns.map((column) => column[index]))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('keeps every row of several columns together, NULL and empty strings apart', async () => {
    const columns = await readDistinct(
      connection,
      `SELECT * FROM (VALUES ('69003', 'LYON'), ('75016', NULL), (NULL, 'SAINT-ÉTIENNE'),
         ('', 'ÎLE-D''YEU'), ('13001', ''), (NULL, NULL)) v(postcode, city)`,
    );
    expect(columns).toHaveLength(2);
    expect(rowsOf(columns)).toEqual(
      rowsOf([
        ['69003', '75016', null, '', '13001', null],
        ['LYON', null, 'SAINT-ÉTIENNE', "ÎLE-D'YEU", '', null],
      ]),
    );
  });

  it('reads a large result whole, each value with its own row', async () => {
    const columns = await readDistinct(
      connection,
      `SELECT '+336' || lpad(CAST(i AS VARCHAR), 8, '0') AS phone, 'type ' || (i % 7) AS kind
       FROM range(200000) t(i)`,
    );
    expect(columns[0]).toHaveLength(200_000);
    expect(new Set(columns[0]).size).toBe(200_000);
    columns[0]?.forEach((phone, index) => {
      expect(columns[1]?.[index]).toBe(`type ${Number(phone?.slice(4)) % 7}`);
    });
  });

  it('gives one empty column per column of a query that returns nothing', async () => {
    expect(
      await readDistinct(connection, 'SELECT 1::VARCHAR AS a, 2::VARCHAR AS b WHERE false'),
    ).toEqual([[], []]);
    expect(await readDistinct(connection, `SELECT '' AS a`)).toEqual([['']]);
  });

  it('fails rather than shift values when one holds a separator', async () => {
    await expect(
      readDistinct(connection, `SELECT * FROM (VALUES ('A' || chr(1) || 'B'), ('C')) v(a)`),
    ).rejects.toThrow(/holds a separator/);
    await expect(
      readDistinct(connection, `SELECT * FROM (VALUES ('A' || chr(3) || 'B', 'x')) v(a, b)`),
    ).rejects.toThrow(/holds a separator/);
  });
});
