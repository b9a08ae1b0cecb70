import type { DuckDBConnection } from '@duckdb/node-api';
import { deleteCustomerData } from './delete-customer-data.ts';
import { stageSuppressedCustomers } from './stage-suppressed-customers.ts';

/** One member's suppression hashes (customers erased on a rights request). */
export interface TMemberSuppressions {
  memberCode: string;
  /** HMACs of `customerSuppressionKey(member, customerId)`, as the control plane keeps them. */
  hashes: readonly string[];
}

/** What the pool still held of suppressed customers, and deleted. */
export interface TSuppressedCounts {
  customers: number;
  records: number;
  heldRecords: number;
  transactions: number;
}

/**
 * Deletes, inside the caller's transaction, what the pool still holds of customers the
 * members' erasures suppressed — their records (pooled and held), transactions and
 * activity — and adds their pooled records to `changedRecordsTable` (record_id,
 * person_id) for the refresh that follows. Nothing is held there normally: an erasure
 * deletes them at once. This is for a pool restored from a backup older than an erasure
 * (or any path that let a suppressed customer back in): the control plane's suppressions
 * outlive the pool's state. Each customer ID of a member with suppressions is hashed once.
 *
 * @example
 * const counts = await purgeSuppressedCustomers(connection, { hmacSecret, suppressions, changedRecordsTable: 'sp_changed' });
 */
export async function purgeSuppressedCustomers(
  connection: DuckDBConnection,
  options: {
    hmacSecret: string;
    suppressions: readonly TMemberSuppressions[];
    changedRecordsTable: string;
  },
): Promise<TSuppressedCounts> {
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE sp_customers (member_code VARCHAR, customer_id VARCHAR)',
  );
  for (const { memberCode, hashes } of options.suppressions) {
    if (hashes.length === 0) continue;
    const isSuppressed = await stageSuppressedCustomers(connection, {
      table: 'sp_hashes',
      memberCode,
      hmacSecret: options.hmacSecret,
      hashes,
    });
    await connection.run(
      `INSERT INTO sp_customers
       SELECT $1, customer_id FROM (
         SELECT customer_id FROM customer_records WHERE member_code = $1
         UNION
         SELECT customer_id FROM transactions WHERE member_code = $1
       ) WHERE ${isSuppressed('customer_id')}`,
      [memberCode],
    );
  }
  const customers = Number(
    (await connection.runAndReadAll('SELECT count(*) FROM sp_customers')).getRowsJS()[0]?.[0] ?? 0,
  );
  if (customers === 0) return { customers, records: 0, heldRecords: 0, transactions: 0 };
  const deleted = await deleteCustomerData(connection, {
    customersTable: 'sp_customers',
    changedRecordsTable: options.changedRecordsTable,
    hmacSecret: options.hmacSecret,
  });
  return { customers, ...deleted };
}
