import {
  appendAuditEvent,
  type ControlContext,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import {
  buildPool,
  checkpointWarehouse,
  type TPoolChanges,
  type TWarehouse,
} from '@alliage/warehouse';
import { collectMemberPolicies } from './collect-member-policies.ts';

export interface RunPoolBuildOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  actor: TActor;
  /** Re-resolve everyone (`alliage pool build --full`); otherwise the housekeeping pass. */
  full: boolean;
  trigger: 'operator' | 'housekeeping';
}

/**
 * Rebuilds the pool under the members' instructions in force: retention purge
 * (deleted, not hidden), identities, households, segments and repoussoir
 * marks, in one DuckDB transaction (the housekeeping pass then checkpoints the
 * pool file, as a full build does itself); then appends `pool.built` (and
 * `pool.purged` when anything was deleted) with counts only.
 *
 * @example
 * const changes = await runPoolBuild({ ctx, warehouse, actor, full: true, trigger: 'operator' });
 */
export async function runPoolBuild(
  options: RunPoolBuildOptions,
): Promise<TPoolChanges & { durationMs: number }> {
  const now = options.ctx.clock();
  const policies = await collectMemberPolicies(options.ctx, now);
  const changes = await buildPool({
    warehouse: options.warehouse,
    retentionMonthsByMember: policies.retentionMonthsByMember,
    memberSectors: policies.memberSectors,
    repoussoir: repoussoirFeed(options.ctx),
    full: options.full,
    now,
  });
  // The daily pass also writes the day's commits into the pool file: drops then commit
  // to the write-ahead log cheaply, and the log stays small (docs/operations.md).
  if (options.trigger === 'housekeeping') await checkpointWarehouse(options.warehouse);
  await options.ctx.db.transaction().execute(async (trx) => {
    if (
      changes.purged.records > 0 ||
      changes.purged.transactions > 0 ||
      changes.purged.heldExpired > 0
    ) {
      await appendAuditEvent(trx, options.ctx.clock, {
        action: 'pool.purged',
        actor: options.actor,
        objectType: 'pool',
        details: {
          trigger: options.trigger,
          records: changes.purged.records,
          transactions: changes.purged.transactions,
          heldExpired: changes.purged.heldExpired,
          retentionMonthsByMember: Object.fromEntries(policies.retentionMonthsByMember),
        },
      });
    }
    await appendAuditEvent(trx, options.ctx.clock, {
      action: 'pool.built',
      actor: options.actor,
      objectType: 'pool',
      details: {
        trigger: options.trigger,
        full: options.full,
        instructionVersions: policies.instructionVersions,
        durationMs: changes.durationMs,
        identities: changes.identities,
        households: changes.households,
        segments: changes.segments,
        opposedPersons: changes.opposedPersons,
      },
    });
  });
  return changes;
}
