import { appendAuditEvent, importRepoussoirEntries, type TActor } from '@alliage/control';
import { AppError } from '@alliage/domain';
import type { TRightsDeps } from './rights-deps.ts';

/**
 * Adds an opposition's contact points to the repoussoir (source `subject_request`,
 * reference = request ID, scope from the request), so the person is out of the very
 * next count and delivery; idempotent (entries already active are kept, not doubled).
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
  const scope = row.opposition_scope;
  const result = await importRepoussoirEntries(
    ctx,
    actor,
    row.identity_hashes.map((hash) => ({ kind: hash.kind, hmac: hash.hmac, scope })),
    { source: 'subject_request', sourceReference: requestId },
  );
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'rights_request.updated',
    actor,
    objectType: 'rights_request',
    objectId: requestId,
    details: { step: 'opposition_applied', scope, entries: row.identity_hashes.length, result },
  });
}
