import { type DuckDBConnection, listValue } from '@duckdb/node-api';

/**
 * Recomputes the activity of the given members' customers from their transactions
 * (first and last transaction, count, amount; and the same per category and channel),
 * inside the caller's transaction. Customers with transactions but no record yet get a
 * row too, so the order of the customers and transactions files does not matter.
 *
 * With `scopeTable` (a TEMP table of `member_code, customer_id`, duplicates allowed), only
 * those customers' rows are recomputed: a drop names every customer whose transactions it
 * inserted, moved or deleted, and a customer's activity depends on its own transactions
 * only, so the result is the full recomputation's (a test holds the two equal after every
 * kind of drop). Without it, every customer of the members is (a build).
 *
 * @example
 * await refreshRecordActivity(connection, ['M01']);
 * await refreshRecordActivity(connection, ['M01'], { scopeTable: 'd1_affected' });
 */
export async function refreshRecordActivity(
  connection: DuckDBConnection,
  memberCodes: string[],
  options: { scopeTable?: string | null } = {},
): Promise<void> {
  const members = `(SELECT unnest($1::VARCHAR[]))`;
  const params = [listValue(memberCodes)];
  // The members' rows of the scope's customers only (a semi-join: duplicates count once).
  const inScope = (alias: string) =>
    options.scopeTable
      ? `AND EXISTS (SELECT 1 FROM ${options.scopeTable} s
           WHERE s.member_code = ${alias}.member_code AND s.customer_id = ${alias}.customer_id)`
      : '';
  for (const [table, perCategory] of [
    ['record_activity', ''],
    ['record_category_activity', ', category, channel'],
  ]) {
    await connection.run(
      `DELETE FROM ${table} a WHERE a.member_code IN ${members} ${inScope('a')}`,
      params,
    );
    await connection.run(
      `INSERT INTO ${table}
       SELECT member_code, customer_id${perCategory}, min(transaction_date), max(transaction_date),
         count(*), sum(amount_eur)
       FROM transactions t WHERE t.member_code IN ${members} ${inScope('t')}
       GROUP BY member_code, customer_id${perCategory}`,
      params,
    );
  }
}
