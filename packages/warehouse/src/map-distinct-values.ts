import type { TFieldResult } from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRows, type TAppendValue } from './append-rows.ts';
import { sqlIdentifier } from './sql-literal.ts';

/** The columns of a distinct-values query, as JavaScript values. */
export type TDistinctColumns = (string | null)[][];

// Separators of the strings a distinct-values query is read as. Member files never carry
// them: the record scanner refuses fields holding a C0 control character.
const ROW = '\u0001';
const NULL_VALUE = '\u0002';
const FIELD = '\u0003';
/**
 * The rows are read as this many strings (by a hash of the row), each 1/64th of the
 * values: a string would pass V8's longest (2^29 characters) only for values
 * far larger than the old per-value read could have held in memory.
 */
const STRINGS = 64;

/**
 * Reads the columns of a distinct-values query (VARCHAR columns). DuckDB joins the
 * values into a few strings (rows by U+0001, fields by U+0003, NULL as U+0002) that
 * JavaScript splits: a fraction of the time of converting each value through the
 * Node API on the main thread. The row and field counts are checked, so a value
 * holding a separator could only fail the read, never shift a value to another row.
 *
 * @example
 * const [phones] = await readDistinct(connection, 'SELECT DISTINCT phone FROM stage.input');
 */
export async function readDistinct(
  connection: DuckDBConnection,
  sql: string,
): Promise<TDistinctColumns> {
  const prepared = await connection.prepare(sql);
  const names = Array.from({ length: prepared.columnCount }, (_, index) =>
    sqlIdentifier(prepared.columnName(index)),
  );
  prepared.destroySync();
  const row = names.map((name) => `coalesce(${name}, chr(2))`).join(' || chr(3) || ');
  const result = await connection.runAndReadAll(
    `SELECT count(*), string_agg(r, chr(1))
     FROM (SELECT ${row} AS r FROM (${sql}) distinct_values) GROUP BY hash(r) % ${STRINGS}`,
  );
  const columns: TDistinctColumns = names.map(() => []);
  let expected = 0;
  for (const [count, joined] of result.getRowsJS() as [bigint, string][]) {
    expected += Number(count);
    for (const text of joined.split(ROW)) {
      const fields = names.length === 1 ? [text] : text.split(FIELD);
      if (fields.length !== names.length) continue;
      fields.forEach((field, index) => {
        columns[index]?.push(field === NULL_VALUE ? null : field);
      });
    }
  }
  if (columns[0]?.length !== expected) {
    throw new Error(
      `${expected} distinct values read back as ${columns[0]?.length} rows of ${names.length} fields: a value holds a separator`,
    );
  }
  return columns;
}

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
  const inputs = await readDistinct(options.connection, options.distinctSql);
  const inputCount = inputs.length;
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
