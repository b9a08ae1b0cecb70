import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Appends rows computed in JavaScript to a TEMP table through DuckDB's
 * Appender (numbers go in as DOUBLE-compatible values, strings as VARCHAR).
 *
 * @example
 * await appendRows(connection, 'ir_assign', ids.length, (index) => [index, ids[index]]);
 */
export async function appendRows(
  connection: DuckDBConnection,
  table: string,
  rowCount: number,
  rowAt: (index: number) => (string | number | null)[],
): Promise<void> {
  if (rowCount === 0) return;
  const appender = await connection.createAppender(table, 'main', 'temp');
  try {
    for (let index = 0; index < rowCount; index++) {
      for (const value of rowAt(index)) {
        if (value === null) appender.appendNull();
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
