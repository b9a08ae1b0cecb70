import { retentionCutoff } from '@alliage/domain';
import { type DuckDBConnection, listValue } from '@duckdb/node-api';
import { writeRetentionTombstones } from './retention-tombstones.ts';
import { sqlString } from './sql-literal.ts';

/** Counts of one retention purge, for its audit event. */
export interface TExpiredCounts {
  records: number;
  transactions: number;
  /** Held records (no transaction ever came) deleted after the holding time. */
  heldExpired: number;
}

/**
 * Deletes — not hides — the member records past their member's retention
 * (last transaction, or collection date for a prospect with none, before the
 * cutoff), with their transactions and activity, and transactions of unknown
 * customers that are past retention themselves, and remembers the deleted customers
 * (`writeRetentionTombstones`) so a re-send cannot make them new. Runs inside the caller's
 * transaction and adds the deleted records to `changedRecordsTable` so their
 * persons are resolved again (a person with no record left disappears).
 *
 * @example
 * await purgeExpiredRecords({ connection, retentionMonthsByMember: new Map([['M01', 36]]), today: '2026-11-23', changedRecordsTable: 'd_changed', hmacSecret });
 */
export async function purgeExpiredRecords(options: {
  connection: DuckDBConnection;
  retentionMonthsByMember: Map<string, number>;
  today: string;
  changedRecordsTable: string;
  /** The platform's HMAC secret: the deleted customers' tombstones are keyed with it. */
  hmacSecret: string;
}): Promise<TExpiredCounts> {
  const { connection } = options;
  const members = [...options.retentionMonthsByMember.keys()];
  if (members.length === 0) return { records: 0, transactions: 0, heldExpired: 0 };
  // The members as literals: scans then skip the other members' row groups.
  const memberList = members.map(sqlString).join(', ');
  const cutoffs = members.map((member) =>
    retentionCutoff(options.today, options.retentionMonthsByMember.get(member) as number),
  );
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE purge_cutoffs AS
     SELECT unnest($1::VARCHAR[]) AS member_code, CAST(unnest($2::VARCHAR[]) AS DATE) AS cutoff`,
    [listValue(members), listValue(cutoffs)],
  );
  await connection.run(`CREATE OR REPLACE TEMP TABLE purge_records AS
    SELECT r.record_id, r.person_id, r.member_code, r.customer_id, r.created_at,
      coalesce(a.last_transaction, r.created_at) AS last_activity
    FROM (SELECT * FROM member_records WHERE member_code IN (${memberList})) r
    JOIN purge_cutoffs c USING (member_code)
    LEFT JOIN (SELECT * FROM record_activity WHERE member_code IN (${memberList})) a
      USING (member_code, customer_id)
    WHERE coalesce(a.last_transaction, r.created_at) < c.cutoff`);
  const records = Number(
    (await connection.runAndReadAll('SELECT count(*) FROM purge_records')).getRowsJS()[0]?.[0] ?? 0,
  );
  // Transactions of purged records, and of unknown customers whose last one is past retention.
  await connection.run(`CREATE OR REPLACE TEMP TABLE purge_transactions AS
    WITH orphans_expired AS (
      SELECT t.member_code, t.customer_id
      FROM (SELECT * FROM transactions WHERE member_code IN (${memberList})) t
      JOIN purge_cutoffs c USING (member_code)
      -- The purged members' records only: the anti-join otherwise hashes the whole pool.
      ANTI JOIN (SELECT member_code, customer_id FROM member_records
        WHERE member_code IN (${memberList})) r
        ON r.member_code = t.member_code AND r.customer_id = t.customer_id
      GROUP BY t.member_code, t.customer_id, c.cutoff
      HAVING max(t.transaction_date) < c.cutoff
    ), targets AS (
      SELECT member_code, customer_id FROM purge_records
      UNION
      SELECT member_code, customer_id FROM orphans_expired
    )
    -- Only the purged members' transactions are probed (every target is one of theirs).
    SELECT t.member_code, t.transaction_id, t.customer_id
    FROM transactions t SEMI JOIN targets USING (member_code, customer_id)
    WHERE t.member_code IN (${memberList})`);
  const transactions = Number(
    (
      await connection.runAndReadAll('SELECT count(*) FROM purge_transactions')
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  // Held records whose transactions never came within the holding time.
  const heldExpired = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FROM held_records WHERE held_until < CAST($1 AS DATE)
           AND member_code IN (SELECT member_code FROM purge_cutoffs)`,
        [options.today],
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  if (heldExpired > 0) {
    await writeRetentionTombstones(connection, {
      hmacSecret: options.hmacSecret,
      today: options.today,
      sourceSql: `SELECT member_code, customer_id, created_at AS collected_on,
          CAST(NULL AS DATE) AS last_activity, held_until
        FROM held_records WHERE held_until < CAST($1 AS DATE)
          AND member_code IN (SELECT member_code FROM purge_cutoffs)`,
      params: [options.today],
    });
    await connection.run(
      `DELETE FROM customer_records WHERE held_until < CAST($1 AS DATE)
         AND member_code IN (SELECT member_code FROM purge_cutoffs)`,
      [options.today],
    );
  }
  if (records === 0 && transactions === 0) return { records, transactions, heldExpired };
  await connection.run(`INSERT INTO ${options.changedRecordsTable}
    SELECT record_id, person_id FROM purge_records
    WHERE record_id NOT IN (SELECT record_id FROM ${options.changedRecordsTable})`);
  await connection.run(`DELETE FROM transactions t USING purge_transactions p
    WHERE t.member_code = p.member_code AND t.transaction_id = p.transaction_id`);
  for (const table of ['record_activity', 'record_category_activity']) {
    await connection.run(`DELETE FROM ${table} a USING purge_transactions p
      WHERE a.member_code = p.member_code AND a.customer_id = p.customer_id`);
    await connection.run(`DELETE FROM ${table} a USING purge_records p
      WHERE a.member_code = p.member_code AND a.customer_id = p.customer_id`);
  }
  // Remembered, so that the member re-sending them cannot make them new again.
  await writeRetentionTombstones(connection, {
    hmacSecret: options.hmacSecret,
    today: options.today,
    sourceSql: `SELECT member_code, customer_id, created_at AS collected_on, last_activity,
        CAST(NULL AS DATE) AS held_until FROM purge_records`,
  });
  await connection.run(
    'DELETE FROM customer_records WHERE record_id IN (SELECT record_id FROM purge_records)',
  );
  return { records, transactions, heldExpired };
}
