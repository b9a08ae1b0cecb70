import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { nextRepoussoirVersion } from './next-repoussoir-version.ts';
import { type TRepoussoirEntry, toRepoussoirEntry, withdrawalStamp } from './repoussoir-entry.ts';
import { runRepoussoirChange } from './repoussoir-import-lock.ts';

/**
 * Withdraws a repoussoir entry by a recorded decision: who, when and why stay on
 * the entry (never deleted) and `repoussoir.changed` is appended in the same
 * transaction. The next selection no longer applies it. Withdrawing an entry
 * already withdrawn is a conflict.
 *
 * @example
 * await withdrawRepoussoirEntry(ctx, actor, entryId, { reason: 'Opposition withdrawn by letter of 2026-12-01' });
 */
export async function withdrawRepoussoirEntry(
  ctx: ControlContext,
  actor: TActor,
  entryId: string,
  decision: { reason: string },
): Promise<TRepoussoirEntry> {
  const reason = typeof decision.reason === 'string' ? decision.reason.trim() : '';
  if (reason.length === 0 || reason.length > 1000) {
    throw new AppError('validation_failed', 'a withdrawal needs a reason (1 to 1000 characters)', {
      fields: [{ path: 'reason', message: 'must be 1 to 1000 characters' }],
    });
  }
  if (!isUuid(entryId)) throw new AppError('not_found', `repoussoir entry ${entryId} not found`);
  return runRepoussoirChange(ctx, async (trx) => {
    const now = ctx.clock();
    const version = await nextRepoussoirVersion(trx);
    const row = await trx
      .updateTable('repoussoir_entries')
      .set(withdrawalStamp({ actor, now, reason, version }))
      .where('id', '=', entryId)
      .where('withdrawn_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await trx
        .selectFrom('repoussoir_entries')
        .select('id')
        .where('id', '=', entryId)
        .executeTakeFirst();
      if (!exists) throw new AppError('not_found', `repoussoir entry ${entryId} not found`);
      throw new AppError('conflict', `repoussoir entry ${entryId} is already withdrawn`);
    }
    await appendAuditEvent(trx, ctx.clock, {
      action: 'repoussoir.changed',
      actor,
      objectType: 'repoussoir_entry',
      objectId: row.id,
      // The reason is staff text about a decision; it stays on the entry, not in the chain.
      details: { operation: 'withdraw', kind: row.kind, scope: row.scope, source: row.source },
    });
    return toRepoussoirEntry(row);
  });
}
