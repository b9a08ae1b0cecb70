import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

/**
 * Removes a client's push target (`push_target.changed` with `removed: true`);
 * its deliveries then stay in its `out/` only, and pushes still queued fail.
 * AppError not_found when the client has none.
 *
 * @example
 * await removePushTarget(ctx, actor, 'C01');
 */
export async function removePushTarget(
  ctx: ControlContext,
  actor: TActor,
  clientCode: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const client = await selectOrganisationRow(trx, clientCode, {
      clientOnly: true,
      forUpdate: true,
    });
    const removed = await trx
      .deleteFrom('push_targets')
      .where('organisation_id', '=', client.id)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n) {
      throw new AppError('not_found', `client ${client.code} has no push target`);
    }
    await appendAuditEvent(trx, ctx.clock, {
      action: 'push_target.changed',
      actor,
      objectType: 'push_target',
      objectId: client.code,
      organisationCode: client.code,
      details: { removed: true },
    });
  });
}
