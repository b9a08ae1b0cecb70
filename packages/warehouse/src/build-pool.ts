import type { TRepoussoirFeed } from '@alliage/domain';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshPool, type TPoolChanges } from './refresh-pool.ts';

export interface BuildPoolOptions {
  warehouse: TWarehouse;
  /** Every member with records in the pool, with its retention in force (months, ≤ 36). */
  retentionMonthsByMember: Map<string, number>;
  /** Re-resolve every identity and household (otherwise only what the purge changed). */
  full: boolean;
  /** Sector of every member (member_code → sector). */
  memberSectors: Map<string, string>;
  /** The repoussoir, for the mirror to catch up and the persons it matches to be marked. */
  repoussoir: TRepoussoirFeed;
  now: Date;
}

/**
 * Rebuilds the derived pool in one transaction: activity, the retention purge,
 * identities and households. `full` re-resolves everyone (stable IDs are kept
 * wherever they still describe the same people); otherwise it is the daily
 * housekeeping pass that only re-resolves what the purge removed. A full build
 * then checkpoints (its time includes it): it rewrote most of the pool, and its
 * write-ahead log would otherwise be written into the file by whichever commit
 * next passes the checkpoint threshold — a drop's (1.7 s of a 50,000-record drop
 * into 1M records).
 *
 * @example
 * const changes = await buildPool({ warehouse, retentionMonthsByMember, full: true, now: new Date() });
 */
export async function buildPool(
  options: BuildPoolOptions,
): Promise<TPoolChanges & { durationMs: number }> {
  return options.warehouse.withWriter(async (connection) => {
    const started = performance.now();
    await connection.run('BEGIN TRANSACTION');
    try {
      const changes = await refreshPool({
        connection,
        retentionMonthsByMember: options.retentionMonthsByMember,
        changedRecordsTable: null,
        full: options.full,
        memberSectors: options.memberSectors,
        repoussoir: options.repoussoir,
        today: options.now.toISOString().slice(0, 10),
        now: options.now,
      });
      await connection.run('COMMIT');
      // FORCE waits for readers' running transactions (a plain CHECKPOINT fails on them).
      if (options.full) await connection.run('FORCE CHECKPOINT pool');
      return { ...changes, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
