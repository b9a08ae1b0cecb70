import { hashApiToken } from '@alliage/crypto';
import type { ControlContext, TActor } from './control-context.ts';
import { type TPrincipal, toPrincipal } from './principal.ts';

/** Longer than any token we issue; refused before hashing a caller's megabyte. */
const MAX_TOKEN_LENGTH = 512;

export type TApiTokenAuthentication =
  | { ok: true; actor: TActor; principal: TPrincipal; tokenId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'disabled' };

/**
 * Checks a presented API token: known, not revoked, not expired (against
 * `ctx.clock()`), its principal not disabled and its organisation (if any)
 * active. On success records `last_used_at` and returns the actor to act as.
 * Writes no audit event: the caller decides how to log a refusal.
 *
 * @example
 * const auth = await authenticateApiToken(ctx, bearerToken);
 * if (!auth.ok) throw new AppError('unauthenticated', 'invalid token');
 */
export async function authenticateApiToken(
  ctx: ControlContext,
  token: string,
): Promise<TApiTokenAuthentication> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: 'unknown' };
  }
  const row = await ctx.db
    .selectFrom('api_tokens')
    .innerJoin('principals', 'principals.id', 'api_tokens.principal_id')
    .leftJoin('organisations', 'organisations.id', 'principals.organisation_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'principals.id',
      'principals.name',
      'principals.role',
      'principals.organisation_id',
      'principals.created_at',
      'principals.disabled_at',
      'organisations.code as organisation_code',
      'organisations.status as organisation_status',
    ])
    .where('api_tokens.token_hash', '=', hashApiToken(token))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  const now = ctx.clock();
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) {
    return { ok: false, reason: 'expired' };
  }
  // A suspended or offboarded organisation's principals are shut out with it.
  if (row.disabled_at !== null || (row.organisation_status ?? 'active') !== 'active') {
    return { ok: false, reason: 'disabled' };
  }
  await ctx.db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', row.token_id)
    .execute();
  const principal = toPrincipal(row);
  return {
    ok: true,
    tokenId: row.token_id,
    principal,
    actor: {
      ref: `principal:${principal.id}`,
      principalId: principal.id,
      role: principal.role,
      organisationId: principal.organisationId,
      organisationCode: principal.organisationCode,
    },
  };
}
