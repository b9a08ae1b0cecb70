import { retentionCutoff } from '@alliage/domain';
import type { TPoolRewriteReason } from './mark-pool-rewrite-due.ts';
import type { MergeStagedOptions, TApplyMerge } from './merge-staged-customers.ts';
import { forgetRetentionTombstones, writeRetentionTombstones } from './retention-tombstones.ts';
import { sqlIdentifier } from './sql-literal.ts';
import { stageSuppressedCustomers } from './stage-suppressed-customers.ts';

/** Every value a transaction stores from its file (a re-send that changes one overwrites it). */
const TRANSACTION_VALUE_FIELDS = [
  'customer_id',
  'transaction_date',
  'amount_eur',
  'category',
  'channel',
];

/** A transaction's stored values as one struct, of `alias`'s columns. */
const transactionValues = (alias: string) =>
  `struct_pack(${TRANSACTION_VALUE_FIELDS.map((field) => `${field} := ${alias}.${field}`).join(', ')})`;

/**
 * Merges a validated transactions file into `transactions`, in two steps like
 * `prepareCustomerMerge`: the incoming rows are read into a TEMP table before the
 * caller opens the pool transaction (DuckDB scans a TEMP table filled inside it on
 * one thread), and the function returned writes inside it. A transaction_id
 * already known for the member is replaced, so re-sending a file never counts
 * twice. Transactions of customers not (yet) in the pool are kept — the customers
 * file may come later — unless they are already past retention, and they are
 * counted in `unknownCustomers`.
 * Customers held for lack of activity (customers file first) join the pool
 * when their transactions show activity within retention; the changed-records
 * table lists them for identity resolution.
 *
 * @example
 * const applyMerge = await prepareTransactionMerge(options);
 * await connection.run('BEGIN TRANSACTION');
 * const merged = await applyMerge();
 */
export async function prepareTransactionMerge(options: MergeStagedOptions): Promise<TApplyMerge> {
  const { connection, prefix } = options;
  const t = (suffix: string) => `stage.${sqlIdentifier(`${prefix}_${suffix}`)}`;
  const temp = (suffix: string) => sqlIdentifier(`${prefix}_${suffix}`);
  const cutoff = retentionCutoff(options.today, options.retentionMonths);
  const isSuppressed = await stageSuppressedCustomers(connection, {
    table: `${prefix}_suppressed`,
    memberCode: options.memberCode,
    hmacSecret: options.hmacSecret,
    hashes: options.suppressedCustomerHmacs ?? [],
  });
  const suppressed = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FROM ${t('normalized')} n
         WHERE n.line NOT IN (SELECT line FROM ${t('errors')} WHERE fatal) AND ${isSuppressed('n.customer_id')}`,
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );

  // A customer unknown to the pool whose every transaction (here and already kept) is past
  // retention is not loaded.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('incoming')} AS
     WITH accepted AS (
       SELECT n.* FROM ${t('normalized')} n
       WHERE n.line NOT IN (SELECT line FROM ${t('errors')} WHERE fatal)
         -- Transactions of customers erased on a rights request are not kept.
         AND NOT ${isSuppressed('n.customer_id')}
     ), known AS (
       SELECT DISTINCT customer_id FROM member_records WHERE member_code = $1
     ), recent AS (
       SELECT customer_id FROM accepted GROUP BY customer_id
       HAVING max(transaction_date) >= CAST($2 AS DATE)
       UNION
       SELECT DISTINCT customer_id FROM transactions
       WHERE member_code = $1 AND transaction_date >= CAST($2 AS DATE)
     )
     SELECT a.*, k.customer_id IS NOT NULL AS known,
       k.customer_id IS NULL AND r.customer_id IS NULL AS expired
     FROM accepted a
     LEFT JOIN known k ON k.customer_id = a.customer_id
     LEFT JOIN recent r ON r.customer_id = a.customer_id`,
    [options.memberCode, cutoff],
  );
  const counts = (
    await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE NOT expired),
              count(*) FILTER (WHERE expired),
              count(DISTINCT customer_id) FILTER (WHERE NOT known AND NOT expired)
       FROM ${temp('incoming')}`,
    )
  ).getRowsJS()[0] as bigint[];
  // The file's transactions new to the pool or re-sent with another customer, date,
  // amount, category or channel, with the customer a re-sent one leaves: one probe of the
  // member's transactions by the file's IDs. An unchanged re-send changes nothing.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('changes')} AS
     SELECT i.customer_id, t.customer_id AS previous_customer_id,
       t.transaction_id IS NOT NULL AS replaced
     FROM ${temp('incoming')} i
     LEFT JOIN (SELECT * FROM transactions WHERE member_code = $1) t
       ON t.transaction_id = i.transaction_id
     WHERE NOT i.expired
       AND (t.transaction_id IS NULL OR ${transactionValues('t')} IS DISTINCT FROM ${transactionValues('i')})`,
    [options.memberCode],
  );
  // A replaced row's values stay in the file's free blocks.
  const replaced = Number(
    (
      await connection.runAndReadAll(
        `SELECT count(*) FILTER (WHERE replaced) FROM ${temp('changes')}`,
      )
    ).getRowsJS()[0]?.[0] ?? 0,
  );
  // Whose activity the file changes: the customers of its new and changed transactions, and
  // the customer a re-sent transaction leaves (a member correcting who bought it), whose
  // purchases go too. A window of transactions re-sent unchanged refreshes no one.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${temp('affected')} AS
     SELECT DISTINCT $1 AS member_code, customer_id FROM ${temp('changes')}
     UNION
     SELECT DISTINCT $1, previous_customer_id FROM ${temp('changes')}
     WHERE previous_customer_id IS NOT NULL`,
    [options.memberCode],
  );

  return async () => {
    await connection.run(
      `DELETE FROM transactions WHERE member_code = $1
       AND transaction_id IN (SELECT transaction_id FROM ${temp('incoming')} WHERE NOT expired)`,
      [options.memberCode],
    );
    await connection.run(
      `INSERT INTO transactions BY NAME
     SELECT $1 AS member_code, customer_id, transaction_id, transaction_date, amount_eur,
       category, channel, $2 AS file_drop_id
     FROM ${temp('incoming')} WHERE NOT expired`,
      [options.memberCode, options.fileDropId],
    );
    // Held customers (their customers file came first) whose transactions now show activity
    // within retention join the pool as new records; those whose transactions are all past
    // retention are deleted.
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${temp('held_activity')} AS
     SELECT h.customer_id, max(t.transaction_date) >= CAST($2 AS DATE) AS active
     FROM held_records h
     JOIN transactions t ON t.member_code = h.member_code AND t.customer_id = h.customer_id
     WHERE h.member_code = $1
     GROUP BY h.customer_id`,
      [options.memberCode, cutoff],
    );
    // Released in place: the record keeps the ID, drop and line its customers file gave it.
    await connection.run(
      `UPDATE customer_records SET held_until = NULL
     WHERE member_code = $1 AND held_until IS NOT NULL
       AND customer_id IN (SELECT customer_id FROM ${temp('held_activity')} WHERE active)`,
      [options.memberCode],
    );
    // Back in the pool: what the pool remembered of a deletion no longer applies.
    await forgetRetentionTombstones(connection, {
      hmacSecret: options.hmacSecret,
      customersSql: `SELECT $1 AS member_code, customer_id FROM ${temp('held_activity')} WHERE active`,
      params: [options.memberCode],
    });
    const released = Number(
      (
        await connection.runAndReadAll(`SELECT count(*) FROM ${temp('held_activity')} WHERE active`)
      ).getRowsJS()[0]?.[0] ?? 0,
    );
    // The others are past retention: deleted, remembered with the end of their hold, so a
    // re-send does not hold them again.
    const expiredHeld = `member_code = $1 AND held_until IS NOT NULL AND (
       customer_id IN (SELECT customer_id FROM ${temp('held_activity')})
       OR customer_id IN (SELECT customer_id FROM ${temp('incoming')} WHERE expired))`;
    await writeRetentionTombstones(connection, {
      hmacSecret: options.hmacSecret,
      today: options.today,
      sourceSql: `SELECT member_code, customer_id, created_at AS collected_on,
          CAST(NULL AS DATE) AS last_activity, held_until
        FROM customer_records WHERE ${expiredHeld}`,
      params: [options.memberCode],
    });
    await connection.run(`DELETE FROM customer_records WHERE ${expiredHeld}`, [options.memberCode]);
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE ${temp('changed')} AS
     SELECT record_id, person_id FROM member_records WHERE member_code = $1 AND person_id IS NULL`,
      [options.memberCode],
    );
    const rewriteReasons: TPoolRewriteReason[] = [];
    // Rows already past retention: the held customers they belong to were deleted above.
    if (Number(counts[1]) > 0) rewriteReasons.push('retention');
    if (replaced > 0) rewriteReasons.push('values_replaced');
    return {
      rewriteReasons,
      affectedCustomersTable: temp('affected'),
      counts: {
        inserted: Number(counts[0]),
        updated: 0,
        removed: 0,
        expiredAtIntake: Number(counts[1]),
        unknownCustomers: Math.max(Number(counts[2]) - released, 0),
        held: 0,
        releasedFromHold: released,
        suppressed,
      },
      changedRecordsTable: temp('changed'),
    };
  };
}
