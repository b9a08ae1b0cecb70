import { type DuckDBConnection, listValue } from '@duckdb/node-api';

/**
 * Recomputes the activity of every customer of the given members from their
 * transactions (first and last transaction, count, amount; and the same per
 * category and channel), inside the caller's transaction. Customers with
 * transactions but no record yet get a row too, so the order of the customers
 * and transactions files does not matter.
 *
 * @example
 * await refreshRecordActivity(connection, ['M01']);
 */
export async function refreshRecordActivity(
  connection: DuckDBConnection,
  memberCodes: string[],
): Promise<void> {
  const members = `(SELECT unnest($1::VARCHAR[]))`;
  await connection.run(`DELETE FROM record_activity WHERE member_code IN ${members}`, [
    listValue(memberCodes),
  ]);
  await connection.run(
    `INSERT INTO record_activity
     SELECT member_code, customer_id, min(transaction_date), max(transaction_date), count(*), sum(amount_eur)
     FROM transactions WHERE member_code IN ${members}
     GROUP BY member_code, customer_id`,
    [listValue(memberCodes)],
  );
  await connection.run(`DELETE FROM record_category_activity WHERE member_code IN ${members}`, [
    listValue(memberCodes),
  ]);
  await connection.run(
    `INSERT INTO record_category_activity
     SELECT member_code, customer_id, category, channel, min(transaction_date), max(transaction_date),
       count(*), sum(amount_eur)
     FROM transactions WHERE member_code IN ${members}
     GROUP BY member_code, customer_id, category, channel`,
    [listValue(memberCodes)],
  );
}
