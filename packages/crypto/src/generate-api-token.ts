import { randomBytes } from 'node:crypto';
import { hashApiToken } from './hash-api-token.ts';

/** Prefix that makes Alliage tokens recognisable (secret scanners, logs, support). */
export const API_TOKEN_PREFIX = 'alg_';

export interface TApiToken {
  /** Shown to its owner once, never stored. */
  token: string;
  /** What the platform stores and looks tokens up by. */
  tokenHash: string;
}

/**
 * Generates an API token: 'alg_' + 32 random bytes in base64url (43 characters),
 * with the hash to store.
 *
 * @example
 * const { token, tokenHash } = generateApiToken(); // token 'alg_Qm9i...'
 */
export function generateApiToken(): TApiToken {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashApiToken(token) };
}
