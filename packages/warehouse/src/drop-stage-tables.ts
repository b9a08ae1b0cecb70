import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from './sql-literal.ts';

/**
 * Drops every staging table (in-memory `stage` catalog) and TEMP table named
 * `<prefix>_…` for any of `prefixes` — one drop's, or the refresh steps' scratch —
 * except those in `keep`, so no clear data outlives the work that needed it.
 * `catalogs` narrows it to one of the two.
 *
 * @example
 * await dropStageTables(connection, ['d_0f3a…']);
 */
export async function dropStageTables(
  connection: DuckDBConnection,
  prefixes: readonly string[],
  keep: readonly string[] = [],
  catalogs: readonly ('stage' | 'temp')[] = ['stage', 'temp'],
): Promise<void> {
  const tables = (
    await connection.runAndReadAll(
      `SELECT database_name, table_name FROM duckdb_tables() WHERE database_name IN (${catalogs.map(sqlString).join(', ')})`,
    )
  ).getRowsJS() as [string, string][];
  for (const [database, table] of tables) {
    if (keep.includes(table) || !prefixes.some((prefix) => table.startsWith(`${prefix}_`))) {
      continue;
    }
    await connection.run(`DROP TABLE IF EXISTS ${database}.${sqlIdentifier(table)}`);
  }
}
