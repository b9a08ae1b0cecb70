import {
  appendAuditEvent,
  type ControlSchema,
  importRepoussoirEntriesIn,
  runRepoussoirChange,
  type TActor,
  type TClock,
  type TRepoussoirImportResult,
} from '@alliage/control';
import { AppError, type TRepoussoirKind, type TRepoussoirScope } from '@alliage/domain';
import type { Transaction } from 'kysely';
import type { TRightsDeps } from './rights-deps.ts';

/** An opposition to put in the repoussoir: its request and the contact points it names. */
export interface TRightsOpposition {
  requestId: string;
  scope: TRepoussoirScope;
  hashes: readonly { kind: TRepoussoirKind; hmac: string }[];
}

/**
 * Adds an opposition's contact points to the repoussoir (source `subject_request`,
 * reference = request ID, scope from the request), so the person is out of the very
 * next count and delivery; idempotent (entries already active are kept, not doubled).
 * While a repoussoir import is being applied it waits, or throws `unavailable` with
 * nothing written when the context bounds the wait (`repoussoirMaxWaitMs`).
 *
 * @example
 * await applyRightsOpposition(deps, actor, requestId);
 */
export async function applyRightsOpposition(
  deps: TRightsDeps,
  actor: TActor,
  requestId: string,
): Promise<void> {
  const { ctx } = deps;
  const row = await ctx.db
    .selectFrom('rights_requests')
    .select(['type', 'opposition_scope', 'identity_hashes'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (row?.type !== 'opposition' || !row.opposition_scope) {
    throw new AppError('conflict', `rights request ${requestId} is not an opposition`);
  }
  const opposition = { requestId, scope: row.opposition_scope, hashes: row.identity_hashes };
  await runRepoussoirChange(ctx, async (trx) => {
    const result = await addOppositionEntries(trx, ctx.clock, actor, opposition);
    await appendOppositionApplied(trx, ctx.clock, actor, opposition, result);
  });
}

/**
 * The opposition's entries, inside `trx` (which `runRepoussoirChange` runs), before the
 * transaction appends any audit event of its own (see `importRepoussoirEntriesIn`).
 */
export function addOppositionEntries(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  actor: TActor,
  opposition: TRightsOpposition,
): Promise<TRepoussoirImportResult> {
  return importRepoussoirEntriesIn(
    trx,
    clock,
    actor,
    opposition.hashes.map((hash) => ({
      kind: hash.kind,
      hmac: hash.hmac,
      scope: opposition.scope,
    })),
    { source: 'subject_request', sourceReference: opposition.requestId },
  );
}

/** Records on the request, inside `trx`, that its opposition is in the repoussoir. */
export async function appendOppositionApplied(
  trx: Transaction<ControlSchema>,
  clock: TClock,
  actor: TActor,
  opposition: TRightsOpposition,
  result: TRepoussoirImportResult,
): Promise<void> {
  await appendAuditEvent(trx, clock, {
    action: 'rights_request.updated',
    actor,
    objectType: 'rights_request',
    objectId: opposition.requestId,
    details: {
      step: 'opposition_applied',
      scope: opposition.scope,
      entries: opposition.hashes.length,
      result,
    },
  });
}
