import { latestAcceptedDate } from '@alliage/normalize';
import { type DuckDBConnection, listValue } from '@duckdb/node-api';

/** What one purge of future-dated rows deleted, in counts. */
export interface TFutureDatedCounts {
  /** Records whose `created_at` is after the day after today. */
  records: number;
  /** Transactions dated after the day after today. */
  transactions: number;
}

/**
 * Deletes the given members' rows that intake refuses since it checks dates
 * (`latestAcceptedDate`: the day after today): transactions dated later, and records
 * whose `created_at` is later. A pool loaded before kept them, and one such date keeps
 * a customer out of the retention purge for as long (activity counts from the last
 * transaction, or the collection date). A deleted record's other transactions stay, as
 * those of a customer not in the pool (yet) do: a later file with a valid collection
 * date brings the record back, and the retention purge deletes them once they expire.
 * Runs inside the caller's transaction, before activity is recomputed; adds the
 * deleted records to `changedRecordsTable` for identity resolution, and the customers
 * whose activity changes to `affectedCustomersTable` (their activity, households and
 * segments follow).
 *
 * @example
 * const future = await purgeFutureDatedRows({ connection, memberCodes: ['M01'], today: '2026-12-06', changedRecordsTable: 'd_changed', affectedCustomersTable: null });
 */
export async function purgeFutureDatedRows(options: {
  connection: DuckDBConnection;
  memberCodes: readonly string[];
  /** ISO date of the platform clock. */
  today: string;
  changedRecordsTable: string;
  /** TEMP table (member_code, customer_id) the customers whose activity changes are added to; null: none. */
  affectedCustomersTable: string | null;
}): Promise<TFutureDatedCounts> {
  const { connection } = options;
  if (options.memberCodes.length === 0) return { records: 0, transactions: 0 };
  const members = listValue([...options.memberCodes]);
  const latest = latestAcceptedDate(options.today);
  const memberIn = 'member_code IN (SELECT unnest($1::VARCHAR[]))';
  // Counted first: both scans are of one column each, and nothing is written when the
  // pool holds no such row (every day once the old ones are gone).
  const [transactions, records] = (
    (
      await connection.runAndReadAll(
        `SELECT
           (SELECT count(*) FROM transactions WHERE ${memberIn} AND transaction_date > CAST($2 AS DATE)),
           (SELECT count(*) FROM customer_records WHERE ${memberIn} AND created_at > CAST($2 AS DATE))`,
        [members, latest],
      )
    ).getRowsJS()[0] ?? [0n, 0n]
  ).map(Number) as [number, number];
  if (transactions > 0) {
    // Their customers' activity moves back: their persons' segments follow.
    if (options.affectedCustomersTable) {
      await connection.run(
        `INSERT INTO ${options.affectedCustomersTable}
         SELECT DISTINCT member_code, customer_id FROM transactions
         WHERE ${memberIn} AND transaction_date > CAST($2 AS DATE)`,
        [members, latest],
      );
    }
    await connection.run(
      `DELETE FROM transactions WHERE ${memberIn} AND transaction_date > CAST($2 AS DATE)`,
      [members, latest],
    );
  }
  if (records > 0) {
    await connection.run(
      `INSERT INTO ${options.changedRecordsTable}
       SELECT record_id, person_id FROM member_records
       WHERE ${memberIn} AND created_at > CAST($2 AS DATE)
         AND record_id NOT IN (SELECT record_id FROM ${options.changedRecordsTable})`,
      [members, latest],
    );
    await connection.run(
      `DELETE FROM customer_records WHERE ${memberIn} AND created_at > CAST($2 AS DATE)`,
      [members, latest],
    );
  }
  return { records, transactions };
}
