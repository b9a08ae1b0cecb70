import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from './sql-literal.ts';

/**
 * Drops every staging table or view (in-memory `stage` catalog) and TEMP table named
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
  const inCatalogs = `database_name IN (${catalogs.map(sqlString).join(', ')})`;
  // Views first: a view of a staged table (the normalisers' input) outlives it only on failure.
  const relations = (
    await connection.runAndReadAll(
      `SELECT 'VIEW', database_name, view_name FROM duckdb_views() WHERE ${inCatalogs} AND NOT internal
       UNION ALL
       SELECT 'TABLE', database_name, table_name FROM duckdb_tables() WHERE ${inCatalogs}
       ORDER BY 1 DESC`,
    )
  ).getRowsJS() as ['VIEW' | 'TABLE', string, string][];
  for (const [kind, database, name] of relations) {
    if (keep.includes(name) || !prefixes.some((prefix) => name.startsWith(`${prefix}_`))) {
      continue;
    }
    await connection.run(`DROP ${kind} IF EXISTS ${database}.${sqlIdentifier(name)}`);
  }
}
