import {
  appendAuditEvent,
  type ControlContext,
  listCustomerSuppressionHashes,
  repoussoirFeed,
  type TActor,
} from '@alliage/control';
import { isAppError } from '@alliage/domain';
import {
  buildPool,
  checkpointWarehouse,
  countPurgedRows,
  rewritePoolFileIfDue,
  type TPoolChanges,
  type TPoolRewrite,
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
 * marks, in one DuckDB transaction; then appends `pool.built` (and `pool.purged`
 * when anything was deleted) with counts only. When rows were deleted since the pool
 * file was last rewritten — by this build, by a drop's purge, or by an erasure or an
 * offboarding whose own rewrite failed — the file is rewritten (`rewritePoolFileIfDue`)
 * so the deleted values leave its bytes; otherwise the housekeeping pass checkpoints
 * it (as a full build does itself). A failed rewrite is recorded in `pool.built` and
 * thrown after the audit: the rewrite stays due for the next build.
 *
 * @example
 * const changes = await runPoolBuild({ ctx, warehouse, actor, full: true, trigger: 'operator' });
 */
export async function runPoolBuild(options: RunPoolBuildOptions): Promise<
  TPoolChanges & {
    durationMs: number;
    suppressed: TSuppressedCounts;
    /** The pool file's rewrite, when one was due. */
    rewrite: TPoolRewrite | null;
  }
> {
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
  // Deleted rows stay in the file's old blocks until it is rewritten. The build's own
  // deletions are committed by now: a failed rewrite must not leave them unaudited.
  let rewrite: TPoolRewrite | null = null;
  let rewriteError: unknown = null;
  try {
    rewrite = await rewritePoolFileIfDue(options.warehouse);
  } catch (error) {
    rewriteError = error;
  }
  if (!rewrite && !rewriteError && options.trigger === 'housekeeping') {
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
    if (countPurgedRows(changes.purged) > 0) {
      await appendAuditEvent(trx, options.ctx.clock, {
        action: 'pool.purged',
        actor: options.actor,
        objectType: 'pool',
        details: {
          trigger: options.trigger,
          records: changes.purged.records,
          transactions: changes.purged.transactions,
          heldExpired: changes.purged.heldExpired,
          // Rows dated after the day after today, which intake refuses (a pool loaded before kept them).
          futureRecords: changes.purged.futureRecords,
          futureTransactions: changes.purged.futureTransactions,
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
        poolRewrite: rewrite
          ? {
              reasons: rewrite.reasons,
              dueSince: rewrite.dueSince,
              sha256: rewrite.sha256,
              sizeBytesBefore: rewrite.sizeBytesBefore,
              sizeBytesAfter: rewrite.sizeBytesAfter,
            }
          : rewriteError
            ? { failed: isAppError(rewriteError) ? rewriteError.code : 'internal' }
            : null,
      },
    });
  });
  if (rewriteError) throw rewriteError;
  return { ...changes, rewrite };
}
