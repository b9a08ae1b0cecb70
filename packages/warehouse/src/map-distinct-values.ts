import type { TFieldResult } from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRows, type TAppendValue } from './append-rows.ts';
import { sqlIdentifier } from './sql-literal.ts';

/** A column of a lookup table filled from JavaScript. */
export interface TLookupColumn {
  name: string;
  type: 'VARCHAR' | 'BOOLEAN' | 'DOUBLE' | 'INTEGER';
}

export interface MapDistinctValuesOptions<TRow> {
  connection: DuckDBConnection;
  /** A query returning the distinct inputs, each column a VARCHAR (NULLs included or not, as you need). */
  distinctSql: string;
  /** The lookup table to create in the `stage` catalog: the input columns (named `in_0`, `in_1`…) then `outputs`. */
  table: string;
  outputs: TLookupColumn[];
  /** The pure normaliser, called once per distinct input; returns one value per output column. */
  map: (inputs: (string | null)[]) => TRow;
  toValues: (row: TRow) => TAppendValue[];
}

/**
 * Runs a JavaScript normaliser once per distinct value and lands the results in
 * an in-memory lookup table that SQL joins back to the rows. Names, streets,
 * communes and dates repeat a lot, so this keeps the pure functions of
 * `@alliage/normalize` the single source of truth at bulk speed.
 *
 * @example
 * await mapDistinctValues({ connection, distinctSql: 'SELECT DISTINCT civility FROM stage.raw',
 *   table: 'civility_map', outputs: [{ name: 'civility', type: 'VARCHAR' }], map: ([raw]) => mapCivility(raw ?? ''), toValues: ... });
 */
export async function mapDistinctValues<TRow>(
  options: MapDistinctValuesOptions<TRow>,
): Promise<number> {
  const result = await options.connection.runAndReadAll(options.distinctSql);
  const inputs = result.getColumnsJS() as (string | null)[][];
  const inputCount = result.columnCount;
  const rowCount = inputs[0]?.length ?? 0;
  const table = sqlIdentifier(options.table);
  const columns = [
    ...Array.from({ length: inputCount }, (_, index) => `in_${index} VARCHAR`),
    ...options.outputs.map((column) => `${sqlIdentifier(column.name)} ${column.type}`),
  ];
  await options.connection.run(`CREATE OR REPLACE TABLE stage.${table} (${columns.join(', ')})`);
  await appendRows(
    options.connection,
    options.table,
    rowCount,
    (index) => {
      const row = inputs.map((column) => column[index] ?? null);
      return [...row, ...options.toValues(options.map(row))];
    },
    'stage',
  );
  return rowCount;
}

/**
 * `mapDistinctValues` for a field normaliser returning a `TFieldResult` of one
 * scalar: the lookup has the value column and `reason` (null when valid).
 *
 * @example
 * await mapFieldResults({ connection, distinctSql, table: 'd_postcode_map',
 *   value: { name: 'postcode', type: 'VARCHAR' }, map: (raw) => normalizePostcode(raw) });
 */
export async function mapFieldResults<T extends string | number | boolean | null>(options: {
  connection: DuckDBConnection;
  distinctSql: string;
  table: string;
  value: TLookupColumn;
  map: (raw: string) => TFieldResult<T>;
  /** What the value column holds when the field is invalid (default null). */
  invalidValue?: T | null;
}): Promise<number> {
  return mapDistinctValues({
    connection: options.connection,
    distinctSql: options.distinctSql,
    table: options.table,
    outputs: [options.value, { name: 'reason', type: 'VARCHAR' }],
    map: ([raw]) => options.map(raw ?? ''),
    toValues: (result) =>
      result.ok ? [result.value, null] : [options.invalidValue ?? null, result.reason],
  });
}
