import type { TWarehouse } from './open-warehouse.ts';

/**
 * Removes the persons an extraction recorded for a delivery that then failed: they
 * were never delivered, so "exclude persons delivered recently" must not leave them
 * out of the client's later selections. Returns how many rows it removed.
 *
 * @example
 * await forgetDeliveredPersons(warehouse, delivery.id);
 */
export async function forgetDeliveredPersons(
  warehouse: TWarehouse,
  deliveryId: string,
): Promise<number> {
  return warehouse.withWriter(async (connection) => {
    const result = await connection.run(
      'DELETE FROM delivered_persons WHERE delivery_id = $delivery',
      { delivery: deliveryId },
    );
    return Number(result.rowsChanged);
  });
}
