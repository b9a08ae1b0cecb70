import type { DuckDBConnection } from '@duckdb/node-api';
import type { TWarehouse } from './open-warehouse.ts';

/** What the pool holds of some customers of one member: their records and transactions, as JSON-safe rows. */
export interface TMemberCustomerData {
  memberCode: string;
  records: Record<string, unknown>[];
  heldRecords: Record<string, unknown>[];
  transactions: Record<string, unknown>[];
}

// Platform-internal keyed hashes: meaningless to the member and the person, and a
// dictionary of them would help guess values. Everything else the pool holds is answered.
const INTERNAL_COLUMNS = ['email_hmac', 'mobile_hmac', 'landline_hmac', 'postal_hmac'];

/**
 * Reads everything the pool holds of `customerIds` at `memberCode` — every column of
 * `member_records` (and of `held_records`) but the internal keyed hashes, and their
 * transactions — for an access or portability answer. Nothing of another member.
 *
 * @example
 * const data = await readMemberCustomerData(warehouse, 'M01', ['C42']);
 */
export async function readMemberCustomerData(
  warehouse: TWarehouse,
  memberCode: string,
  customerIds: readonly string[],
): Promise<TMemberCustomerData> {
  const data: TMemberCustomerData = { memberCode, records: [], heldRecords: [], transactions: [] };
  if (customerIds.length === 0) return data;
  const connection = await warehouse.connect();
  try {
    data.records = await readRows(connection, 'member_records', memberCode, customerIds);
    data.heldRecords = await readRows(connection, 'held_records', memberCode, customerIds);
    data.transactions = await readRows(connection, 'transactions', memberCode, customerIds);
    return data;
  } finally {
    connection.closeSync();
  }
}

async function readRows(
  connection: DuckDBConnection,
  table: 'member_records' | 'held_records' | 'transactions',
  memberCode: string,
  customerIds: readonly string[],
): Promise<Record<string, unknown>[]> {
  const exclude = table === 'transactions' ? '' : ` EXCLUDE (${INTERNAL_COLUMNS.join(', ')})`;
  // Customer IDs are bound one by one through a VALUES list of parameters.
  const values = customerIds.map((_, index) => `($${index + 2})`).join(', ');
  const order =
    table === 'transactions' ? 'customer_id, transaction_date, transaction_id' : 'customer_id';
  const reader = await connection.runAndReadAll(
    `SELECT *${exclude} FROM ${table}
     WHERE member_code = $1 AND customer_id IN (SELECT * FROM (VALUES ${values}))
     ORDER BY ${order}`,
    [memberCode, ...customerIds],
  );
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
