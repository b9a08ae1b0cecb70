import type { DuckDBConnection } from '@duckdb/node-api';
import type { TReferenceColumn } from './import-reference-table.ts';

/**
 * The imported reference tables and their columns, as registered in
 * `reference_tables` (what a reference criterion may name).
 *
 * @example
 * const referenceTables = await readReferenceTables(connection);
 */
export async function readReferenceTables(
  connection: DuckDBConnection,
): Promise<{ name: string; columns: TReferenceColumn[] }[]> {
  const rows = (
    await connection.runAndReadAll('SELECT name, columns FROM reference_tables ORDER BY name')
  ).getRowsJS();
  return rows.map(([name, columns]) => ({
    name: String(name),
    columns: JSON.parse(String(columns)) as TReferenceColumn[],
  }));
}
