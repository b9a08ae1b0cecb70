import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { customerKeyHmacSql } from './hmac-sql.ts';
import { sqlIdentifier } from './sql-literal.ts';

/**
 * Records, inside the caller's transaction, the customers a retention deletion just
 * removed (or whose hold lapsed): `sourceSql` selects `member_code`, `customer_id`,
 * `collected_on`, `last_activity` (NULL: the earlier tombstone's, else `collected_on`) and
 * `held_until` (NULL: deleted from the pool). A customer's earlier tombstone is replaced,
 * keeping the end of a hold it had: a hold granted once is never granted again until the
 * customer is back in the pool.
 *
 * @example
 * await writeRetentionTombstones(connection, { hmacSecret, today: '2026-11-23',
 *   sourceSql: 'SELECT member_code, customer_id, created_at AS collected_on, created_at AS last_activity, NULL AS held_until FROM purge_records' });
 */
export async function writeRetentionTombstones(
  connection: DuckDBConnection,
  options: { hmacSecret: string; today: string; sourceSql: string; params?: DuckDBValue[] },
): Promise<void> {
  // With the end of the hold the customer's earlier tombstone had, if any.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE tombstone_scratch AS
     SELECT n.member_code, n.customer_hmac, n.collected_on,
       coalesce(n.last_activity, o.last_activity, n.collected_on) AS last_activity,
       coalesce(n.held_until, o.held_until) AS held_until
     FROM (
       SELECT member_code, ${customerKeyHmacSql(options.hmacSecret, 'member_code', 'customer_id')} AS customer_hmac,
         collected_on, last_activity, held_until
       FROM (${options.sourceSql})
     ) n
     LEFT JOIN retention_tombstones o
       ON o.member_code = n.member_code AND o.customer_hmac = n.customer_hmac`,
    options.params ?? [],
  );
  try {
    await connection.run(
      `DELETE FROM retention_tombstones t USING tombstone_scratch n
       WHERE t.member_code = n.member_code AND t.customer_hmac = n.customer_hmac`,
    );
    await connection.run(
      'INSERT INTO retention_tombstones SELECT *, CAST($1 AS DATE) FROM tombstone_scratch',
      [options.today],
    );
  } finally {
    await connection.run('DROP TABLE IF EXISTS tombstone_scratch');
  }
}

/**
 * Forgets, inside the caller's transaction, the tombstones of the customers `customersSql`
 * selects (`member_code`, `customer_id`): back in the pool, or erased. Each listed
 * customer is hashed once, and only when their members have tombstones.
 *
 * @example
 * await forgetRetentionTombstones(connection, { hmacSecret, customersSql: 'SELECT member_code, customer_id FROM er_customers' });
 */
export async function forgetRetentionTombstones(
  connection: DuckDBConnection,
  options: { hmacSecret: string; customersSql: string; params?: DuckDBValue[] },
): Promise<void> {
  await connection.run(
    `DELETE FROM retention_tombstones t USING (
       SELECT DISTINCT c.member_code, ${customerKeyHmacSql(options.hmacSecret, 'c.member_code', 'c.customer_id')} AS customer_hmac
       FROM (${options.customersSql}) c
       SEMI JOIN (SELECT DISTINCT member_code FROM retention_tombstones) m USING (member_code)
     ) f
     WHERE t.member_code = f.member_code AND t.customer_hmac = f.customer_hmac`,
    options.params ?? [],
  );
}

/**
 * Puts in TEMP table `table` (unquoted name) the tombstones of the customers a file
 * lists (`customer_id` of `listedSql`) that are not in the pool — deleted for retention,
 * possibly held again — with their customer ID, for the merge to read like a stored
 * record. Nothing is hashed when the member has no tombstone. Answers whether any matched.
 *
 * @example
 * const any = await stageRetentionTombstones(connection, { table: 'd_x_tomb', memberCode: 'M01', hmacSecret,
 *   listedSql: 'SELECT customer_id FROM stage.d_x_normalized' });
 */
export async function stageRetentionTombstones(
  connection: DuckDBConnection,
  options: { table: string; memberCode: string; hmacSecret: string; listedSql: string },
): Promise<boolean> {
  const table = sqlIdentifier(options.table);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${table} (customer_id VARCHAR, customer_hmac VARCHAR,
       collected_on DATE, last_activity DATE, held_until DATE, deleted_on DATE)`,
  );
  const tombstones = Number(
    (
      await connection.runAndReadAll(
        'SELECT count(*) FROM retention_tombstones WHERE member_code = $1',
        [options.memberCode],
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  if (tombstones === 0) return false;
  await connection.run(
    `INSERT INTO ${table}
     SELECT l.customer_id, t.customer_hmac, t.collected_on, t.last_activity, t.held_until, t.deleted_on
     FROM (
       SELECT customer_id, ${customerKeyHmacSql(options.hmacSecret, '$1', 'customer_id')} AS customer_hmac
       FROM (SELECT DISTINCT customer_id FROM (${options.listedSql})
         ANTI JOIN (SELECT customer_id FROM member_records WHERE member_code = $1) r USING (customer_id))
     ) l
     JOIN (SELECT * FROM retention_tombstones WHERE member_code = $1) t USING (customer_hmac)`,
    [options.memberCode],
  );
  return (
    Number(
      (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0]?.[0] ?? 0,
    ) > 0
  );
}
