import type { TWarehouse } from './open-warehouse.ts';

/**
 * The deliveries (IDs, sorted) in which the person of one of `customerIds` at
 * `memberCode` was delivered with that member among its suppliers
 * (`delivered_person_suppliers`): the recipients an access answer of that member lists.
 * A delivery that other members supplied alone is never returned — it would tell the
 * member of another member's relationship with the person. Deliveries recorded before
 * suppliers were (pool migration 12) are not known here.
 *
 * @example
 * const deliveryIds = await listMemberCustomerDeliveries(warehouse, 'M01', ['C42']);
 */
export async function listMemberCustomerDeliveries(
  warehouse: TWarehouse,
  memberCode: string,
  customerIds: readonly string[],
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const connection = await warehouse.connect();
  try {
    // Customer IDs are bound one by one through a VALUES list of parameters.
    const values = customerIds.map((_, index) => `($${index + 2})`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT s.delivery_id FROM delivered_person_suppliers s
       WHERE s.member_code = $1
         AND s.person_id IN (
           SELECT person_id FROM member_records
           WHERE member_code = $1 AND person_id IS NOT NULL
             AND customer_id IN (SELECT * FROM (VALUES ${values})))
       ORDER BY 1`,
      [memberCode, ...customerIds],
    );
    return reader.getRowsJS().map((row) => String(row[0]));
  } finally {
    connection.closeSync();
  }
}
