import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import {
  selectOrganisationKeys,
  type TOrganisationKey,
  toOrganisationKey,
} from './organisation-key.ts';

/**
 * Revokes an organisation key and records `key.revoked`. Revoking a revoked key
 * returns it unchanged and records nothing more.
 *
 * @example
 * await revokeOrganisationKey(ctx, actor, keyId);
 */
export async function revokeOrganisationKey(
  ctx: ControlContext,
  actor: TActor,
  keyId: string,
): Promise<TOrganisationKey> {
  if (!isUuid(keyId)) throw new AppError('not_found', 'key not found');
  return ctx.db.transaction().execute(async (trx) => {
    const current = await selectOrganisationKeys(trx)
      .where('organisation_keys.id', '=', keyId)
      .forUpdate('organisation_keys')
      .executeTakeFirst();
    if (!current) throw new AppError('not_found', `key ${keyId} not found`);
    if (current.revoked_at !== null) return toOrganisationKey(current);
    const revokedAt = ctx.clock();
    await trx
      .updateTable('organisation_keys')
      .set({ revoked_at: revokedAt })
      .where('id', '=', keyId)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'key.revoked',
      actor,
      objectType: 'organisation_key',
      objectId: keyId,
      organisationCode: current.organisation_code,
      details: { keyType: current.key_type, fingerprint: current.fingerprint },
    });
    return toOrganisationKey({ ...current, revoked_at: revokedAt });
  });
}
