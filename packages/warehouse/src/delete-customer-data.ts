import type { DuckDBConnection } from '@duckdb/node-api';
import { forgetRetentionTombstones } from './retention-tombstones.ts';

/** What a deletion of customers removed from the pool, in counts. */
export interface TDeletedCustomerData {
  records: number;
  heldRecords: number;
  transactions: number;
}

/**
 * Deletes, inside the caller's transaction, everything the pool holds of the customers
 * listed in TEMP table `customersTable` (member_code, customer_id): their records
 * (pooled and held), transactions, activity and retention tombstones; adds their pooled records to
 * `changedRecordsTable` (record_id, person_id) for the refresh that follows. The one
 * list of the tables that hold a customer's data, for an erasure and for the build's
 * deletion of suppressed customers alike.
 *
 * @example
 * const counts = await deleteCustomerData(connection, { customersTable: 'er_customers', changedRecordsTable: 'er_changed', hmacSecret });
 */
export async function deleteCustomerData(
  connection: DuckDBConnection,
  options: {
    customersTable: string;
    changedRecordsTable: string;
    /** The platform's HMAC secret: the customers' retention tombstones go too. */
    hmacSecret: string;
  },
): Promise<TDeletedCustomerData> {
  const listed = (table: string) =>
    `${table} t SEMI JOIN ${options.customersTable} c
     ON t.member_code = c.member_code AND t.customer_id = c.customer_id`;
  const count = async (table: string) =>
    Number(
      (
        await connection.runAndReadAll(`SELECT count(*) FROM ${listed(table)}`)
      ).getRowsJS()[0]?.[0] ?? 0,
    );
  const counts = {
    records: await count('member_records'),
    heldRecords: await count('held_records'),
    transactions: await count('transactions'),
  };
  await connection.run(
    `INSERT INTO ${options.changedRecordsTable}
     SELECT t.record_id, t.person_id FROM ${listed('member_records')}`,
  );
  for (const table of [
    // Pooled and held records alike (member_records and held_records are its views).
    'customer_records',
    'transactions',
    'record_activity',
    'record_category_activity',
  ]) {
    await connection.run(
      `DELETE FROM ${table} USING ${options.customersTable} c
       WHERE ${table}.member_code = c.member_code AND ${table}.customer_id = c.customer_id`,
    );
  }
  await forgetRetentionTombstones(connection, {
    hmacSecret: options.hmacSecret,
    customersSql: `SELECT member_code, customer_id FROM ${options.customersTable}`,
  });
  return counts;
}
