import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import {
  selectOrganisationKeys,
  type TKeyType,
  type TOrganisationKey,
  toOrganisationKey,
} from './organisation-key.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

export interface TOrganisationKeyFilter {
  organisationCode: string;
  keyType?: TKeyType;
  /** Revoked keys are left out unless asked for. */
  includeRevoked?: boolean;
}

/**
 * Keys of one organisation in registration order (AppError not_found for an
 * unknown organisation). Expired keys are listed with their `expiresAt`: the
 * caller that uses a key decides against its own clock.
 *
 * @example
 * const sshKeys = await listOrganisationKeys(ctx, { organisationCode: 'M01', keyType: 'ssh' });
 */
export async function listOrganisationKeys(
  ctx: ControlContext,
  filter: TOrganisationKeyFilter,
): Promise<TOrganisationKey[]> {
  const organisation = await selectOrganisationRow(ctx.db, filter.organisationCode);
  let query = selectOrganisationKeys(ctx.db)
    .where('organisation_keys.organisation_id', '=', organisation.id)
    .orderBy('organisation_keys.created_at')
    .orderBy('organisation_keys.id');
  if (filter.keyType !== undefined) {
    if (filter.keyType !== 'ssh' && filter.keyType !== 'pgp') {
      throw new AppError('validation_failed', 'invalid keyType', {
        fields: [{ path: 'keyType', message: 'must be ssh or pgp' }],
      });
    }
    query = query.where('organisation_keys.key_type', '=', filter.keyType);
  }
  if (!filter.includeRevoked) query = query.where('organisation_keys.revoked_at', 'is', null);
  const rows = await query.execute();
  return rows.map(toOrganisationKey);
}
