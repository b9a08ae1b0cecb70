import type { DuckDBConnection } from '@duckdb/node-api';
import { appendRows } from './append-rows.ts';
import { customerKeyHmacSql } from './hmac-sql.ts';
import { sqlIdentifier, sqlString } from './sql-literal.ts';

/**
 * Puts a member's suppression hashes (customers erased on a rights request) in TEMP
 * table `table` (unquoted name) and answers a SQL predicate, over the customer-ID expression
 * `customerIdSql`, that is true for a suppressed customer. The hash mirrors
 * `hmacSha256Hex(secret, customerSuppressionKey(member, customerId))`. With no
 * suppression the predicate is `false` and nothing is hashed.
 *
 * @example
 * const isSuppressed = await stageSuppressedCustomers(connection, { table: 'd_x_suppressed', memberCode: 'M01',
 *   hmacSecret, hashes });
 * `SELECT count(*) FILTER (WHERE ${isSuppressed('n.customer_id')}) FROM …`
 */
export async function stageSuppressedCustomers(
  connection: DuckDBConnection,
  options: { table: string; memberCode: string; hmacSecret: string; hashes: readonly string[] },
): Promise<(customerIdSql: string) => string> {
  if (options.hashes.length === 0) return () => 'false';
  const table = sqlIdentifier(options.table);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (hmac VARCHAR)`);
  await appendRows(connection, options.table, options.hashes.length, (index) => [
    options.hashes[index] as string,
  ]);
  return (customerIdSql) =>
    `(${customerKeyHmacSql(options.hmacSecret, sqlString(options.memberCode), customerIdSql)} IN (SELECT hmac FROM ${table}))`;
}
