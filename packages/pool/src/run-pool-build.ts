import {
  appendAuditEvent,
  type ControlContext,
  listCustomerSuppressionHashes,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import {
  buildPool,
  checkpointWarehouse,
  compactWarehouse,
  type TPoolChanges,
  type TSuppressedCounts,
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
  /** The platform's HMAC secret, which keys the suppressions of erased customers. */
  hmacSecret: string;
}

/**
 * Rebuilds the pool under the members' instructions in force: customers erased on a
 * rights request that the pool holds again (restored from an older backup), retention
 * purge (deleted, not hidden), identities, households, segments and repoussoir
 * marks, in one DuckDB transaction (the housekeeping pass then checkpoints the
 * pool file, as a full build does itself); then appends `pool.built` (and
 * `pool.purged` when anything was deleted) with counts only. When erased customers
 * were found, the pool file is rewritten (as an erasure does) so their values leave
 * its bytes.
 *
 * @example
 * const changes = await runPoolBuild({ ctx, warehouse, actor, full: true, trigger: 'operator' });
 */
export async function runPoolBuild(
  options: RunPoolBuildOptions,
): Promise<TPoolChanges & { durationMs: number; suppressed: TSuppressedCounts }> {
  const now = options.ctx.clock();
  const policies = await collectMemberPolicies(options.ctx, now);
  const members = [];
  for (const memberCode of policies.memberSectors.keys()) {
    members.push({
      memberCode,
      hashes: await listCustomerSuppressionHashes(options.ctx, memberCode),
    });
  }
  const changes = await buildPool({
    warehouse: options.warehouse,
    retentionMonthsByMember: policies.retentionMonthsByMember,
    memberSectors: policies.memberSectors,
    repoussoir: repoussoirFeed(options.ctx),
    suppressions: { hmacSecret: options.hmacSecret, members },
    full: options.full,
    now,
  });
  const { suppressed } = changes;
  const erasedAgain = suppressed.records + suppressed.heldRecords + suppressed.transactions > 0;
  if (erasedAgain) {
    // As after an erasure: deleted rows stay in the file's old blocks until rewritten.
    await compactWarehouse(options.warehouse);
  } else if (options.trigger === 'housekeeping') {
    // The daily pass also writes the day's commits into the pool file: drops then commit
    // to the write-ahead log cheaply, and the log stays small (docs/operations.md).
    await checkpointWarehouse(options.warehouse);
  }
  await options.ctx.db.transaction().execute(async (trx) => {
    if (erasedAgain) {
      await appendAuditEvent(trx, options.ctx.clock, {
        action: 'pool.purged',
        actor: options.actor,
        objectType: 'pool',
        details: { trigger: options.trigger, reason: 'suppressed_customers', ...suppressed },
      });
    }
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
