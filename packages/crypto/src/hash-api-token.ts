import { createHash } from 'node:crypto';

/**
 * The hex SHA-256 of an API token, which is all the platform stores. A plain hash
 * suffices (no salt, no slow KDF): tokens carry 256 random bits, so there is no
 * dictionary to precompute and nothing to brute-force.
 *
 * @example
 * hashApiToken(token) // '3f0a...' (64 hex characters)
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
