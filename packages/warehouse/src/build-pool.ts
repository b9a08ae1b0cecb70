import type { TRepoussoirFeed } from '@alliage/domain';
import { dropStageTables } from './drop-stage-tables.ts';
import { markPoolRewriteDue } from './mark-pool-rewrite-due.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { type TPoolAuditEvent, writeAuditOutbox } from './pool-audit-outbox.ts';
import {
  purgeSuppressedCustomers,
  type TMemberSuppressions,
  type TSuppressedCounts,
} from './purge-suppressed-customers.ts';
import { refreshPool, type TPoolChanges } from './refresh-pool.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';

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
  /**
   * Every member's suppressions (erased customers) and the HMAC secret they are keyed
   * with: what the pool still holds of them is deleted first (`purgeSuppressedCustomers`).
   */
  suppressions: { hmacSecret: string; members: readonly TMemberSuppressions[] };
  now: Date;
  /**
   * The audit events the build owes the control plane, given what it changed: written
   * into the pool's outbox in the build's own transaction (`writeAuditOutbox`).
   */
  auditEvents?: (changes: TPoolChanges & { suppressed: TSuppressedCounts }) => TPoolAuditEvent[];
}

/**
 * Rebuilds the derived pool in one transaction: suppressed customers still held (a pool
 * restored from before an erasure), activity, the retention purge, identities and
 * households. `full` re-resolves everyone (stable IDs are kept
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
): Promise<TPoolChanges & { durationMs: number; suppressed: TSuppressedCounts }> {
  return options.warehouse.withWriter(async (connection) => {
    const started = performance.now();
    try {
      const built = await runPoolTransaction(options.warehouse, connection, async () => {
        await connection.run(
          'CREATE OR REPLACE TEMP TABLE sp_changed (record_id BIGINT, person_id BIGINT)',
        );
        const suppressed = await purgeSuppressedCustomers(connection, {
          hmacSecret: options.suppressions.hmacSecret,
          suppressions: options.suppressions.members,
          changedRecordsTable: 'sp_changed',
        });
        if (suppressed.records + suppressed.heldRecords + suppressed.transactions > 0) {
          await markPoolRewriteDue(connection, 'suppressed_customers', options.now);
        }
        const changes = await refreshPool({
          connection,
          retentionMonthsByMember: options.retentionMonthsByMember,
          changedRecordsTable: 'sp_changed',
          full: options.full,
          hmacSecret: options.suppressions.hmacSecret,
          memberSectors: options.memberSectors,
          repoussoir: options.repoussoir,
          today: options.now.toISOString().slice(0, 10),
          now: options.now,
        });
        if (options.auditEvents) {
          await writeAuditOutbox(
            connection,
            options.auditEvents({ ...changes, suppressed }),
            options.now,
          );
        }
        return { ...changes, suppressed };
      });
      // FORCE waits for readers' running transactions (a plain CHECKPOINT fails on them).
      if (options.full) await connection.run('FORCE CHECKPOINT pool');
      return { ...built, durationMs: Math.round(performance.now() - started) };
    } finally {
      // The suppressed customers' IDs and record IDs do not outlive the build.
      await dropStageTables(connection, ['sp'], [], ['temp']);
    }
  });
}
