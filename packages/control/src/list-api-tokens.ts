import { AppError } from '@alliage/domain';
import { API_TOKEN_COLUMNS, type TApiToken, toApiToken } from './api-token.ts';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { selectOrganisationRow } from './select-organisation-row.ts';

export interface TApiTokenFilter {
  principalId?: string;
  /** Tokens of every principal of this organisation. */
  organisationCode?: string;
}

/**
 * API tokens in creation order (revoked and expired ones included), never their
 * values. A filter naming an unknown principal or organisation is AppError not_found.
 *
 * @example
 * const tokens = await listApiTokens(ctx, { organisationCode: 'M01' });
 */
export async function listApiTokens(
  ctx: ControlContext,
  filter: TApiTokenFilter = {},
): Promise<TApiToken[]> {
  let query = ctx.db
    .selectFrom('api_tokens')
    .innerJoin('principals', 'principals.id', 'api_tokens.principal_id')
    .select(API_TOKEN_COLUMNS)
    .orderBy('api_tokens.created_at')
    .orderBy('api_tokens.id');
  if (filter.principalId !== undefined) {
    const principalId = filter.principalId;
    if (!isUuid(principalId)) throw new AppError('not_found', 'principal not found');
    const principal = await ctx.db
      .selectFrom('principals')
      .select('id')
      .where('id', '=', principalId)
      .executeTakeFirst();
    if (!principal) throw new AppError('not_found', `principal ${principalId} not found`);
    query = query.where('api_tokens.principal_id', '=', principalId);
  }
  if (filter.organisationCode !== undefined) {
    const organisation = await selectOrganisationRow(ctx.db, filter.organisationCode);
    query = query.where('principals.organisation_id', '=', organisation.id);
  }
  const rows = await query.execute();
  return rows.map(toApiToken);
}
