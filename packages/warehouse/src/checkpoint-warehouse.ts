import type { TWarehouse } from './open-warehouse.ts';

/**
 * Writes every committed change into the pool file now and empties DuckDB's
 * write-ahead log, instead of waiting for the log to pass the checkpoint
 * threshold inside some later commit. The daily housekeeping runs it, so drops
 * can commit cheaply under a large threshold while the log stays bounded and a
 * restart has little to replay. A no-op for an in-memory pool.
 *
 * @example
 * await checkpointWarehouse(warehouse);
 */
export async function checkpointWarehouse(warehouse: TWarehouse): Promise<void> {
  if (warehouse.databasePath === ':memory:') return;
  // FORCE waits for readers' running transactions (a plain CHECKPOINT fails on them).
  await warehouse.withWriter((connection) => connection.run('FORCE CHECKPOINT pool'));
}
