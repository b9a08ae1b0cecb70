import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/**
 * Reads the columns of a query chunk by chunk, each string value interned: a column
 * of 1M first names with 10,000 distinct ones holds 10,000 strings, where
 * `getColumnsJS` makes one string per row (and the whole result is materialised
 * first). Other values are kept as DuckDB's Node API returns them (numbers for
 * INTEGER and DOUBLE, booleans, null): cast to those types in the query.
 *
 * @example
 * const [firstNames, personIds] = await readColumnsInterned(connection,
 *   'SELECT first_name_key, CAST(person_id AS DOUBLE) FROM ir_nodes ORDER BY idx');
 */
export async function readColumnsInterned(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBValue[][]> {
  const result = await connection.stream(sql);
  const columns: DuckDBValue[][] = Array.from({ length: result.columnCount }, () => []);
  const interned = new Map<string, string>();
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    columns.forEach((target, index) => {
      for (const value of chunk.getColumnValues(index)) {
        if (typeof value !== 'string') {
          target.push(value);
          continue;
        }
        const kept = interned.get(value);
        if (kept === undefined) interned.set(value, value);
        target.push(kept ?? value);
      }
    });
  }
  return columns;
}
