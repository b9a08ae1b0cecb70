import type { TPurgeCounts } from './refresh-pool.ts';

/**
 * How many rows a refresh's purge deleted, of every kind: whether it appends
 * `pool.purged`. A drop's summary stored before future-dated rows were purged has no
 * such counts (a retried drop reads it back): they count as none.
 *
 * @example
 * if (countPurgedRows(changes.purged) > 0) await appendAuditEvent(...);
 */
export function countPurgedRows(purged: TPurgeCounts): number {
  return (
    purged.records +
    purged.transactions +
    purged.heldExpired +
    (purged.futureRecords ?? 0) +
    (purged.futureTransactions ?? 0)
  );
}
