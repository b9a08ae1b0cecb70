import { AppError } from '@alliage/domain';
import { API_TOKEN_COLUMNS, type TApiToken, toApiToken } from './api-token.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';

/**
 * Revokes an API token and records `token.revoked`. Revoking a revoked token
 * returns it unchanged and records nothing more.
 *
 * @example
 * await revokeApiToken(ctx, actor, tokenId);
 */
export async function revokeApiToken(
  ctx: ControlContext,
  actor: TActor,
  tokenId: string,
): Promise<TApiToken> {
  if (!isUuid(tokenId)) throw new AppError('not_found', 'token not found');
  return ctx.db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('api_tokens')
      .innerJoin('principals', 'principals.id', 'api_tokens.principal_id')
      .leftJoin('organisations', 'organisations.id', 'principals.organisation_id')
      .select([...API_TOKEN_COLUMNS, 'organisations.code as organisation_code'])
      .where('api_tokens.id', '=', tokenId)
      .forUpdate('api_tokens')
      .executeTakeFirst();
    if (!current) throw new AppError('not_found', `token ${tokenId} not found`);
    if (current.revoked_at !== null) return toApiToken(current);
    const row = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: ctx.clock() })
      .where('id', '=', tokenId)
      .returning(API_TOKEN_COLUMNS)
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'token.revoked',
      actor,
      objectType: 'api_token',
      objectId: row.id,
      organisationCode: current.organisation_code,
      details: { principalId: row.principal_id },
    });
    return toApiToken(row);
  });
}
