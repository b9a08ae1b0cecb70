import { parseInput, type TPushTargetInput, ZPushTargetInput } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectPushTargets, type TPushTarget, toPushTarget } from './push-target.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';
import { sftpEndpointColumns } from './sftp-endpoint-columns.ts';

/**
 * Sets (creates or replaces) the client's own SFTP server its deliveries are pushed
 * to, and records `push_target.changed`. Deliveries written from then on are pushed.
 *
 * @example
 * await setPushTarget(ctx, actor, 'C01', { host: 'sftp.client.example', username: 'alliage',
 *   remoteDir: '/incoming', hostKeySha256: 'SHA256:…' });
 */
export async function setPushTarget(
  ctx: ControlContext,
  actor: TActor,
  clientCode: string,
  input: TPushTargetInput,
): Promise<TPushTarget> {
  const fields = parseInput(ZPushTargetInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const client = await selectOrganisationRow(trx, clientCode, {
      clientOnly: true,
      forUpdate: true,
    });
    const values = {
      ...sftpEndpointColumns(fields),
      enabled: fields.enabled,
      updated_at: ctx.clock(),
      updated_by: actor.ref,
    };
    await trx
      .insertInto('push_targets')
      .values({ organisation_id: client.id, ...values })
      .onConflict((conflict) => conflict.column('organisation_id').doUpdateSet(values))
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'push_target.changed',
      actor,
      objectType: 'push_target',
      objectId: client.code,
      organisationCode: client.code,
      // The login name stays out of the chain; the pinned key is what security reviews.
      details: {
        host: fields.host,
        port: fields.port,
        hostKeySha256: fields.hostKeySha256,
        enabled: fields.enabled,
      },
    });
    const row = await selectPushTargets(trx)
      .where('push_targets.organisation_id', '=', client.id)
      .executeTakeFirstOrThrow();
    return toPushTarget(row);
  });
}
