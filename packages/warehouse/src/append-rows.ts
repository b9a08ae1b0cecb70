import type { DuckDBConnection } from '@duckdb/node-api';

/** A value the Appender takes; DuckDB casts it to the column's type. */
export type TAppendValue = string | number | boolean | null;

/**
 * Appends rows computed in JavaScript to a table of the TEMP catalog (or
 * another, e.g. `stage`) through DuckDB's Appender: integers go in as BIGINT,
 * other numbers as DOUBLE, booleans and strings as such, cast to the columns.
 *
 * @example
 * await appendRows(connection, 'ir_assign', ids.length, (index) => [index, ids[index]]);
 */
export async function appendRows(
  connection: DuckDBConnection,
  table: string,
  rowCount: number,
  rowAt: (index: number) => TAppendValue[],
  catalog = 'temp',
): Promise<void> {
  if (rowCount === 0) return;
  const appender = await connection.createAppender(table, 'main', catalog);
  try {
    for (let index = 0; index < rowCount; index++) {
      for (const value of rowAt(index)) {
        if (value === null) appender.appendNull();
        else if (typeof value === 'boolean') appender.appendBoolean(value);
        else if (typeof value === 'number') {
          if (Number.isInteger(value)) appender.appendBigInt(BigInt(value));
          else appender.appendDouble(value);
        } else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
