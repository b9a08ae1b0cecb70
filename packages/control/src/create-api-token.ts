import { generateApiToken } from '@alliage/crypto';
import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { API_TOKEN_COLUMNS, type TApiToken, toApiToken } from './api-token.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';
import { selectPrincipals } from './principal.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Enough to tell tokens apart in a list, far too little to guess the rest. */
const TOKEN_PREFIX_LENGTH = 12;

/** Input to create an API token; `expiresInDays: null` (or absent) means no expiry. */
export const ZApiTokenInput = z
  .object({
    principalId: z.string(),
    name: z.string().trim().min(1).max(200).nullable().default(null),
    expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
  })
  .strict();
export type TApiTokenInput = z.input<typeof ZApiTokenInput>;

/**
 * Creates an API token for a principal and records `token.created`. The plain
 * token is returned here once; only its SHA-256 is stored.
 *
 * @example
 * const { token, apiToken } = await createApiToken(ctx, actor, { principalId, expiresInDays: 90 });
 */
export async function createApiToken(
  ctx: ControlContext,
  actor: TActor,
  input: TApiTokenInput,
): Promise<{ token: string; apiToken: TApiToken }> {
  const fields = parseInput(ZApiTokenInput, input);
  if (!isUuid(fields.principalId)) throw new AppError('not_found', 'principal not found');
  const { token, tokenHash } = generateApiToken();
  return ctx.db.transaction().execute(async (trx) => {
    const principal = await selectPrincipals(trx)
      .where('principals.id', '=', fields.principalId)
      .executeTakeFirst();
    if (!principal) throw new AppError('not_found', `principal ${fields.principalId} not found`);
    if (principal.disabled_at !== null) {
      throw new AppError('conflict', `principal ${principal.id} is disabled`);
    }
    const now = ctx.clock();
    const row = await trx
      .insertInto('api_tokens')
      .values({
        principal_id: principal.id,
        name: fields.name,
        token_hash: tokenHash,
        token_prefix: token.slice(0, TOKEN_PREFIX_LENGTH),
        created_at: now,
        expires_at:
          fields.expiresInDays === null
            ? null
            : new Date(now.getTime() + fields.expiresInDays * DAY_MS),
      })
      .returning(API_TOKEN_COLUMNS)
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'token.created',
      actor,
      objectType: 'api_token',
      objectId: row.id,
      organisationCode: principal.organisation_code,
      details: { principalId: principal.id, expiresInDays: fields.expiresInDays },
    });
    return { token, apiToken: toApiToken(row) };
  });
}
