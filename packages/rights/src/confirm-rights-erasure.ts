import { randomUUID } from 'node:crypto';
import {
  appendAuditEvent,
  repoussoirFeed,
  type TActor,
  type TErasureProgress,
} from '@alliage/control';
import { hmacSha256Hex } from '@alliage/crypto';
import { AppError, customerSuppressionKey, isAppError } from '@alliage/domain';
import { collectMemberPolicies, deliverPoolAuditOutbox, purgeDropFiles } from '@alliage/pool';
import { compactWarehouse, eraseMemberCustomers } from '@alliage/warehouse';
import { getRightsRequest } from './get-rights-request.ts';
import type { TRightsDeps } from './rights-deps.ts';
import type { TRightsRequestItem } from './rights-request.ts';

/**
 * A member confirms an erasure request for its customers: suppressions are recorded
 * first (so a file arriving meanwhile cannot bring them back), then the member's records
 * of those customers are deleted from the pool with their transactions and activity, and
 * persons and households left with no record disappear. Other members' records stay.
 * The member's processed encrypted files, which hold those customers too, are deleted
 * from the drop store (`purgeDropFiles`; files of drops still in process stay, and their
 * rows are dropped as suppressed when they load).
 * With `customerIds` the member confirms only those of the item's customers (a contact
 * point shared by two persons, a family email, matches both: the member knows which is
 * the requester); the others are neither erased nor suppressed. Confirmed once: a later
 * call naming other customers is refused (conflict).
 * Idempotent; a failed step leaves the item `failed` (retry with `retryRightsRequest`,
 * which redoes only the steps left) and throws.
 *
 * @example
 * await confirmRightsErasure(deps, actor, { memberCode: 'M01', requestId });
 */
export async function confirmRightsErasure(
  deps: TRightsDeps,
  actor: TActor,
  target: { memberCode: string; requestId: string; customerIds?: readonly string[] },
): Promise<TRightsRequestItem> {
  const { ctx } = deps;
  const request = await getRightsRequest(ctx, target.requestId);
  const item = request.items.find((entry) => entry.memberCode === target.memberCode);
  // Another member's request, or one this member holds nothing for, does not exist for it.
  if (!item) throw new AppError('not_found', `rights request ${target.requestId} not found`);
  if (request.type !== 'erasure') {
    throw new AppError('conflict', `rights request ${request.id} is not an erasure request`);
  }
  if (item.status === 'erasure_confirmed') return item;
  if (request.status === 'closed') {
    throw new AppError('conflict', `rights request ${request.id} is closed`);
  }
  if (item.status === 'pending') {
    throw new AppError(
      'conflict',
      `rights request ${request.id} is not forwarded to ${item.memberCode} yet`,
    );
  }
  const confirmed = confirmedSubset(item, target.customerIds);
  if (item.confirmedCustomerIds !== null && !sameIds(item.confirmedCustomerIds, confirmed)) {
    throw new AppError(
      'conflict',
      `rights request ${request.id}: the erasure was confirmed already, for ${item.confirmedCustomerIds.length} other customer(s) of the request`,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    const memberOrg = await trx
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', item.memberCode)
      .executeTakeFirstOrThrow();
    if (confirmed.length > 0) {
      await trx
        .insertInto('suppressions')
        .values(
          confirmed.map((customerId) => ({
            member_org_id: memberOrg.id,
            customer_id_hmac: hmacSha256Hex(
              deps.hmacSecret,
              customerSuppressionKey(item.memberCode, customerId),
            ),
            request_id: request.id,
            created_at: now,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['member_org_id', 'customer_id_hmac']).doNothing(),
        )
        .execute();
    }
    await trx
      .updateTable('rights_request_items')
      .set({
        confirmed_at: now,
        confirmed_by_ref: actor.ref,
        confirmed_customer_ids: JSON.stringify(confirmed),
        updated_at: now,
      })
      .where('id', '=', item.id)
      .where('confirmed_at', 'is', null)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.updated',
      actor,
      objectType: 'rights_request',
      objectId: request.id,
      organisationCode: item.memberCode,
      details: {
        step: 'erasure_confirmed',
        customerCount: confirmed.length,
        // Fewer than the request matched: the member named the requester's customers.
        ...(confirmed.length < item.customerIds.length
          ? { matchedCustomerCount: item.customerIds.length }
          : {}),
      },
    });
  });
  return eraseConfirmedItem(deps, actor, request.id, { ...item, confirmedCustomerIds: confirmed });
}

/** The customers a confirmation covers: all of the item's, or the subset named (validated). */
function confirmedSubset(item: TRightsRequestItem, named: readonly string[] | undefined): string[] {
  if (named === undefined) return item.confirmedCustomerIds ?? item.customerIds;
  const unknown = named.filter((customerId) => !item.customerIds.includes(customerId));
  if (named.length === 0 || unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      named.length === 0
        ? 'customerIds: name at least one customer of the request, or leave it out for all'
        : `customerIds: ${unknown.length} of the IDs named are not customers of this request at ${item.memberCode}`,
      { fields: [{ path: 'customerIds', message: 'must be customers of this request' }] },
    );
  }
  return [...new Set(named)];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** The steps of an erasure after its confirmation, in order (named in `erasure_failed`). */
type TErasureStep = 'pool' | 'pool_file' | 'drop_files';

/**
 * Deletes a confirmed erasure's customers from the pool and records the outcome (the
 * second half of `confirmRightsErasure`, also run by a retry). Each step's result is
 * recorded as soon as it is done (`erasure_progress` on the item): the pool's counts
 * are written into the pool's audit outbox in its own transaction and delivered the
 * moment it commits (with the `pool_erased` audit step; after a crash, by the next
 * start or retry, `deliverPoolAuditOutbox`), then the rewritten file's SHA-256. A retry
 * after a later step failed redoes only the steps left, and its `erased` step reports
 * what the pool deletion actually erased.
 *
 * @example
 * await eraseConfirmedItem(deps, actor, requestId, item);
 */
export async function eraseConfirmedItem(
  deps: TRightsDeps,
  actor: TActor,
  requestId: string,
  item: TRightsRequestItem,
): Promise<TRightsRequestItem> {
  const { ctx } = deps;
  const now = ctx.clock();
  let step: TErasureStep = 'pool';
  let outcome:
    | { status: 'erasure_confirmed'; details: Record<string, unknown> }
    | { status: 'failed'; code: string; message: string; error: unknown };
  try {
    let progress = await readErasureProgress(deps, item.id);
    if (!progress.pool) {
      // An attempt that died after the pool's commit left its counts in the pool's outbox.
      await deliverPoolAuditOutbox({ ctx, warehouse: deps.warehouse });
      progress = await readErasureProgress(deps, item.id);
    }
    if (!progress.pool) {
      const policies = await collectMemberPolicies(ctx, now);
      await eraseMemberCustomers({
        warehouse: deps.warehouse,
        memberCode: item.memberCode,
        customerIds: item.confirmedCustomerIds ?? item.customerIds,
        memberSectors: policies.memberSectors,
        repoussoir: repoussoirFeed(ctx),
        hmacSecret: deps.hmacSecret,
        now,
        // Committed with the deletion: a retry after a crash finds nothing left to count.
        auditEvents: (erased) => {
          const pool = {
            records: erased.records,
            heldRecords: erased.heldRecords,
            transactions: erased.transactions,
            personsGone: erased.pool.identities.personsGone,
          };
          return [
            {
              outboxId: randomUUID(),
              action: 'rights_request.updated',
              actor: actor.ref,
              objectType: 'rights_request',
              objectId: requestId,
              organisationCode: item.memberCode,
              details: { step: 'pool_erased', ...pool },
              erasure: { itemId: item.id, pool },
            },
          ];
        },
      });
      // The counts go to the item and the audit chain together (`pool_erased`).
      await deliverPoolAuditOutbox({ ctx, warehouse: deps.warehouse });
      progress = await readErasureProgress(deps, item.id);
    }
    step = 'pool_file';
    if (!progress.poolSha256) {
      // Deleted rows stay in the DuckDB file's old blocks until reused: rewrite the file
      // so the erased values are gone from its bytes too. Should this fail, the pool keeps
      // the rewrite due and the next daily pass does it (`rewritePoolFileIfDue`).
      const compaction = await compactWarehouse(deps.warehouse);
      progress = { ...progress, poolSha256: compaction.sha256 };
      await recordErasureProgress(deps, item, progress);
    }
    step = 'drop_files';
    // The member's processed encrypted files still hold those customers: they go as well.
    const dropFiles = await purgeDropFiles({
      ctx,
      actor,
      dropStore: deps.dropStore,
      retentionDays: 0,
      organisationCode: item.memberCode,
      reason: 'erasure',
    });
    outcome = {
      status: 'erasure_confirmed',
      details: {
        step: 'erased',
        ...progress.pool,
        poolSha256: progress.poolSha256,
        dropFiles: dropFiles.removed,
      },
    };
  } catch (error) {
    outcome = {
      status: 'failed',
      code: isAppError(error) ? error.code : 'internal',
      message: isAppError(error) ? error.message : 'the pool could not be updated; retry',
      error,
    };
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('rights_request_items')
      .set({
        status: outcome.status,
        error_code: outcome.status === 'failed' ? outcome.code : null,
        error_message: outcome.status === 'failed' ? outcome.message : null,
        updated_at: ctx.clock(),
      })
      .where('id', '=', item.id)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.updated',
      actor,
      objectType: 'rights_request',
      objectId: requestId,
      organisationCode: item.memberCode,
      details:
        outcome.status === 'failed'
          ? { step: 'erasure_failed', errorCode: outcome.code, failedStep: step }
          : outcome.details,
    });
  });
  if (outcome.status === 'failed') {
    throw isAppError(outcome.error)
      ? outcome.error
      : new AppError('unavailable', outcome.message, { retry: true, cause: outcome.error });
  }
  const request = await getRightsRequest(ctx, requestId);
  return request.items.find((entry) => entry.id === item.id) as TRightsRequestItem;
}

async function readErasureProgress(deps: TRightsDeps, itemId: string): Promise<TErasureProgress> {
  const row = await deps.ctx.db
    .selectFrom('rights_request_items')
    .select('erasure_progress')
    .where('id', '=', itemId)
    .executeTakeFirst();
  return row?.erasure_progress ?? {};
}

/** Saves the progress on the item. */
async function recordErasureProgress(
  deps: TRightsDeps,
  item: TRightsRequestItem,
  progress: TErasureProgress,
): Promise<void> {
  const { ctx } = deps;
  await ctx.db
    .updateTable('rights_request_items')
    .set({ erasure_progress: JSON.stringify(progress), updated_at: ctx.clock() })
    .where('id', '=', item.id)
    .execute();
}
