import { AppError } from '@alliage/domain';
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
