import { randomUUID } from 'node:crypto';
import {
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
  type TMemberSuppressions,
  type TPoolAuditEvent,
  type TPoolChanges,
  type TPoolRewrite,
  type TSuppressedCounts,
  type TWarehouse,
} from '@alliage/warehouse';
import { collectMemberPolicies, type TMemberPolicies } from './collect-member-policies.ts';
import { deliverPoolAuditOutbox, holdPoolAuditEvent } from './deliver-pool-audit-outbox.ts';
import { purgeOffboardedMembers, type TOffboardedMemberPurge } from './purge-offboarded-members.ts';

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

export type TPoolBuildResult = TPoolChanges & {
  durationMs: number;
  suppressed: TSuppressedCounts;
  /** The pool file's rewrite, when one was due. */
  rewrite: TPoolRewrite | null;
  /** Offboarded members the pool held again (restored from before), now deleted. */
  offboardedMembers: TOffboardedMemberPurge[];
};

/**
 * Rebuilds the pool under the members' instructions in force: first, in transactions of
 * their own, whatever the pool holds again of members whose offboarding reached its
 * deletion (`purgeOffboardedMembers`, `member.data_deleted`); then customers erased on a
 * rights request that the pool holds again (restored from an older backup), retention
 * purge (deleted, not hidden), identities, households, segments and repoussoir
 * marks, in one DuckDB transaction, which also writes `pool.built` (and `pool.purged`
 * when anything was deleted, counts only) into the pool's audit outbox; they are
 * delivered to the audit chain after the rewrite below (`deliverPoolAuditOutbox`), or,
 * after a crash, at the next start or build, which delivers what is waiting first.
 * When rows were deleted since the pool file was last rewritten — by this build, by a drop's purge, or by an erasure or an
 * offboarding whose own rewrite failed — the file is rewritten (`rewritePoolFileIfDue`)
 * so the deleted values leave its bytes; otherwise the housekeeping pass checkpoints
 * it (as a full build does itself). A failed rewrite is recorded in `pool.built` and
 * thrown after the delivery: the rewrite stays due for the next build.
 *
 * @example
 * const changes = await runPoolBuild({ ctx, warehouse, actor, full: true, trigger: 'operator' });
 */
export async function runPoolBuild(options: RunPoolBuildOptions): Promise<TPoolBuildResult> {
  // A build that crashed after its commit left its events in the pool's outbox.
  await deliverPoolAuditOutbox({ ctx: options.ctx, warehouse: options.warehouse });
  const now = options.ctx.clock();
  const policies = await collectMemberPolicies(options.ctx, now);
  // A pool restored from before an offboarding holds the member again: deleted first,
  // so that the build resolves identities without it (the rewrite below takes its bytes).
  const offboardedMembers = await purgeOffboardedMembers({
    ctx: options.ctx,
    warehouse: options.warehouse,
    actor: options.actor,
    trigger: options.trigger,
    memberSectors: policies.memberSectors,
  });
  const members: TMemberSuppressions[] = [];
  for (const memberCode of policies.memberSectors.keys()) {
    members.push({
      memberCode,
      hashes: await listCustomerSuppressionHashes(options.ctx, memberCode),
    });
  }
  const builtOutboxId = randomUUID();
  // Delivered below with the rewrite's outcome: a delivery meanwhile leaves it alone.
  const release = holdPoolAuditEvent(options.warehouse, builtOutboxId);
  try {
    const built = await buildAndDeliver(options, policies, members, now, builtOutboxId);
    return { ...built, offboardedMembers };
  } finally {
    release();
  }
}

async function buildAndDeliver(
  options: RunPoolBuildOptions,
  policies: TMemberPolicies,
  members: TMemberSuppressions[],
  now: Date,
  builtOutboxId: string,
): Promise<Omit<TPoolBuildResult, 'offboardedMembers'>> {
  const changes = await buildPool({
    warehouse: options.warehouse,
    retentionMonthsByMember: policies.retentionMonthsByMember,
    memberSectors: policies.memberSectors,
    repoussoir: repoussoirFeed(options.ctx),
    suppressions: { hmacSecret: options.hmacSecret, members },
    full: options.full,
    now,
    // Committed with the deletions they report: a crash before the audit append below
    // leaves them in the outbox for the next start or job to deliver.
    auditEvents: (built) => buildAuditEvents(options, policies, built, builtOutboxId),
  });
  // Deleted rows stay in the file's old blocks until it is rewritten. The build's own
  // deletions are committed by now: a failed rewrite must not leave them unaudited.
  let rewrite: TPoolRewrite | null = null;
  let rewriteError: unknown = null;
  try {
    rewrite = await rewritePoolFileIfDue(options.warehouse);
  } catch (error) {
    rewriteError = error;
  }
  await deliverPoolAuditOutbox({
    ctx: options.ctx,
    warehouse: options.warehouse,
    amend: new Map([
      [
        builtOutboxId,
        {
          durationMs: changes.durationMs,
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
      ],
    ]),
  });
  if (!rewrite && !rewriteError && (options.trigger === 'housekeeping' || options.full)) {
    // The daily pass also writes the day's commits into the pool file: drops then commit
    // to the write-ahead log cheaply, and the log stays small (docs/operations.md). A full
    // build checkpointed at its commit: this writes the outbox's removal too.
    await checkpointWarehouse(options.warehouse);
  }
  if (rewriteError) throw rewriteError;
  return { ...changes, rewrite };
}

/**
 * The build's events, from what it changed: `pool.purged` for suppressed customers found
 * again and for the retention purge, when they deleted anything, then `pool.built`
 * (its duration and the file's rewrite are added at delivery, when known).
 */
function buildAuditEvents(
  options: RunPoolBuildOptions,
  policies: TMemberPolicies,
  changes: TPoolChanges & { suppressed: TSuppressedCounts },
  builtOutboxId: string,
): TPoolAuditEvent[] {
  const base = { actor: options.actor.ref, objectType: 'pool' } as const;
  const { suppressed } = changes;
  const events: TPoolAuditEvent[] = [];
  if (suppressed.records + suppressed.heldRecords + suppressed.transactions > 0) {
    events.push({
      ...base,
      outboxId: randomUUID(),
      action: 'pool.purged',
      details: { trigger: options.trigger, reason: 'suppressed_customers', ...suppressed },
    });
  }
  if (countPurgedRows(changes.purged) > 0) {
    events.push({
      ...base,
      outboxId: randomUUID(),
      action: 'pool.purged',
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
  events.push({
    ...base,
    outboxId: builtOutboxId,
    action: 'pool.built',
    details: {
      trigger: options.trigger,
      full: options.full,
      instructionVersions: policies.instructionVersions,
      identities: changes.identities,
      households: changes.households,
      segments: changes.segments,
      opposedPersons: changes.opposedPersons,
      // Not known at the commit (added at delivery): a build delivered after a crash
      // says so. Had its rewrite not run, the rewrite is still due for the next build.
      durationMs: null,
      poolRewrite: { unknown: true },
    },
  });
  return events;
}
