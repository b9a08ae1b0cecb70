import type { Selectable } from 'kysely';
import type { ApiTokensTable } from './schema.ts';

/** An API token as listed: never its value nor its hash. */
export interface TApiToken {
  id: string;
  principalId: string;
  name: string | null;
  /** First characters of the token, to recognise it in lists. */
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** Columns of `api_tokens` that may leave the database (the hash never does). */
export const API_TOKEN_COLUMNS = [
  'api_tokens.id',
  'api_tokens.principal_id',
  'api_tokens.name',
  'api_tokens.token_prefix',
  'api_tokens.created_at',
  'api_tokens.expires_at',
  'api_tokens.revoked_at',
  'api_tokens.last_used_at',
] as const;

export type TApiTokenRow = Omit<Selectable<ApiTokensTable>, 'token_hash'>;

/** Maps a row of `api_tokens` to its public shape. */
export function toApiToken(row: TApiTokenRow): TApiToken {
  return {
    id: row.id,
    principalId: row.principal_id,
    name: row.name,
    prefix: row.token_prefix,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
