import type { DuckDBConnection } from '@duckdb/node-api';

/** Why the pool file must be rewritten: the kind of deletion that left bytes behind. */
export type TPoolRewriteReason =
  | 'retention'
  /** Records and transactions dated after the day after today (loaded before intake refused them). */
  | 'future_dated'
  /** Customers a member's full customers file no longer lists. */
  | 'customers_omitted'
  /** Stored values a later file overwrote (a new email replacing the old one). */
  | 'values_replaced'
  | 'suppressed_customers'
  | 'erasure'
  | 'offboarding'
  | 'migration';

/**
 * Records, inside the caller's transaction, that rows were deleted from the pool and
 * that their bytes stay in the file's free blocks until the file is rewritten: the next
 * daily pass (`rewritePoolFileIfDue`) rewrites it. Committed or rolled back with the
 * deletion itself, so a deletion never goes unmarked. One row per reason, keeping when
 * it first happened.
 *
 * @example
 * await markPoolRewriteDue(connection, 'retention', now);
 */
export async function markPoolRewriteDue(
  connection: DuckDBConnection,
  reason: TPoolRewriteReason,
  now: Date,
): Promise<void> {
  await connection.run(
    `INSERT INTO pool_rewrite_due
     SELECT $1, CAST($2 AS TIMESTAMP)
     WHERE NOT EXISTS (SELECT 1 FROM pool_rewrite_due WHERE reason = $1)`,
    [reason, now.toISOString()],
  );
}
