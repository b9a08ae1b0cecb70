import { compactWarehouse, type TWarehouseCompaction } from './compact-warehouse.ts';
import type { TPoolRewriteReason } from './mark-pool-rewrite-due.ts';
import type { TWarehouse } from './open-warehouse.ts';

/** A rewrite of the pool file, and the deletions that made it due. */
export interface TPoolRewrite extends TWarehouseCompaction {
  reasons: TPoolRewriteReason[];
  /** When the oldest deletion not yet rewritten happened (ISO). */
  dueSince: string;
}

/**
 * Rewrites the pool file (`compactWarehouse`) when rows were deleted since it was last
 * rewritten — a retention purge at a drop or in a build, suppressed customers, an
 * erasure or an offboarding whose own rewrite failed — so that deleted values never
 * outlive the next daily pass in the file's free blocks. Returns null when nothing is
 * due, and for an in-memory pool (no file).
 *
 * @example
 * const rewrite = await rewritePoolFileIfDue(warehouse);
 */
export async function rewritePoolFileIfDue(warehouse: TWarehouse): Promise<TPoolRewrite | null> {
  if (warehouse.databasePath === ':memory:') return null;
  const due = await warehouse.withWriter(async (connection) =>
    (
      await connection.runAndReadAll(
        'SELECT reason, since FROM pool_rewrite_due ORDER BY since, reason',
      )
    ).getRowsJS(),
  );
  const oldest = due[0];
  if (!oldest) return null;
  const compaction = await compactWarehouse(warehouse);
  return {
    ...compaction,
    reasons: due.map((row) => String(row[0]) as TPoolRewriteReason),
    dueSince: (oldest[1] as Date).toISOString(),
  };
}
