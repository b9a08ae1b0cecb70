import { parseInput, type TPullSourceInput, ZPullSourceInput } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectPullSources, type TPullSource, toPullSource } from './pull-source.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';
import { sftpEndpointColumns } from './sftp-endpoint-columns.ts';

/**
 * Sets (creates or replaces) where the platform fetches a member's files and
 * records `pull_source.changed`. The schedule restarts from the change.
 *
 * @example
 * await setPullSource(ctx, actor, 'M01', { host: 'mft.example.fr', username: 'alliage',
 *   remoteDir: '/out', hostKeySha256: 'SHA256:…', intervalMinutes: 60 });
 */
export async function setPullSource(
  ctx: ControlContext,
  actor: TActor,
  memberCode: string,
  input: TPullSourceInput,
): Promise<TPullSource> {
  const fields = parseInput(ZPullSourceInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const member = await selectOrganisationRow(trx, memberCode, {
      memberOnly: true,
      forUpdate: true,
    });
    const now = ctx.clock();
    const values = {
      ...sftpEndpointColumns(fields),
      interval_minutes: fields.intervalMinutes,
      enabled: fields.enabled,
      // A new host or schedule is pulled at the next tick, not an old interval later.
      last_run_at: null,
      updated_at: now,
      updated_by: actor.ref,
    };
    await trx
      .insertInto('pull_sources')
      .values({ organisation_id: member.id, ...values })
      .onConflict((conflict) => conflict.column('organisation_id').doUpdateSet(values))
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'pull_source.changed',
      actor,
      objectType: 'pull_source',
      objectId: member.code,
      organisationCode: member.code,
      // The login name stays out of the chain; the pinned key is what security reviews.
      details: {
        host: fields.host,
        port: fields.port,
        hostKeySha256: fields.hostKeySha256,
        intervalMinutes: fields.intervalMinutes,
        enabled: fields.enabled,
      },
    });
    const row = await selectPullSources(trx)
      .where('pull_sources.organisation_id', '=', member.id)
      .executeTakeFirstOrThrow();
    return toPullSource(row);
  });
}
