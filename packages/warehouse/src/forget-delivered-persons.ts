import type { DuckDBConnection } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';

/**
 * Deletes what the pool recorded of one delivery (its delivered persons and their
 * suppliers), in the caller's transaction; returns the delivered-person rows removed.
 *
 * @example
 * await deleteDeliveryRows(connection, deliveryId);
 */
export async function deleteDeliveryRows(
  connection: DuckDBConnection,
  deliveryId: string,
): Promise<number> {
  await connection.run('DELETE FROM delivered_person_suppliers WHERE delivery_id = $delivery', {
    delivery: deliveryId,
  });
  const result = await connection.run(
    'DELETE FROM delivered_persons WHERE delivery_id = $delivery',
    {
      delivery: deliveryId,
    },
  );
  return Number(result.rowsChanged);
}

/**
 * Removes the persons an extraction recorded for a delivery that then failed, and
 * their suppliers: they were never delivered, so "exclude persons delivered recently"
 * must not leave them out of the client's later selections, nor an access answer list
 * the client as a recipient. Returns how many delivered-person rows it removed.
 *
 * @example
 * await forgetDeliveredPersons(warehouse, delivery.id);
 */
export async function forgetDeliveredPersons(
  warehouse: TWarehouse,
  deliveryId: string,
): Promise<number> {
  return warehouse.withWriter((connection) =>
    runPoolTransaction(warehouse, connection, () => deleteDeliveryRows(connection, deliveryId)),
  );
}
