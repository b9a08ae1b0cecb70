import type { DuckDBConnection } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';

/**
 * Runs `work` in one transaction on the pool's writer connection (call it inside
 * `withWriter`) and commits it only once the warehouse confirms, right before the
 * COMMIT, that this process still owns the pool (`confirmOwnership`: openPool's lease).
 * Should `work` or the confirmation throw, the transaction rolls back and the error
 * goes on: a process that lost the pool to another one never commits to its copy.
 * Every pool write transaction goes through here.
 *
 * @example
 * await warehouse.withWriter((connection) =>
 *   runPoolTransaction(warehouse, connection, () => connection.run('DELETE FROM audit_outbox')),
 * );
 */
export async function runPoolTransaction<T>(
  warehouse: Pick<TWarehouse, 'confirmOwnership'>,
  connection: DuckDBConnection,
  work: () => Promise<T>,
): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await warehouse.confirmOwnership();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    // A COMMIT that failed already ended the transaction: nothing is left to roll back.
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
