import { AppError } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';

/**
 * The pool's ID, drawn when the pool was created (pool migration 15) and kept by
 * backups, restores and rewrites of the file.
 *
 * @example
 * const poolId = await readPoolId(warehouse);
 */
export async function readPoolId(warehouse: TWarehouse): Promise<string> {
  const rows = await warehouse.withWriter(async (connection) =>
    (await connection.runAndReadAll('SELECT pool_id FROM pool_identity')).getRowsJS(),
  );
  if (rows.length !== 1) {
    throw new AppError('internal', `the pool ${warehouse.databasePath} has no single pool ID`);
  }
  return String(rows[0]?.[0]);
}

/**
 * The pool's ID as an attached, not yet migrated pool file holds it (`beforeMigrate`
 * of openWarehouse), without changing the file; null for a pool from before pool IDs.
 *
 * @example
 * const poolId = await readPoolIdBeforeMigrations(connection);
 */
export async function readPoolIdBeforeMigrations(
  connection: DuckDBConnection,
): Promise<string | null> {
  const tables = (
    await connection.runAndReadAll(
      "SELECT 1 FROM duckdb_tables() WHERE database_name = 'pool' AND schema_name = 'main' AND table_name = 'pool_identity'",
    )
  ).getRowsJS();
  if (tables.length === 0) return null;
  const rows = (await connection.runAndReadAll('SELECT pool_id FROM pool_identity')).getRowsJS();
  return rows.length === 1 ? String(rows[0]?.[0]) : null;
}
