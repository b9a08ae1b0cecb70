import { timingSafeEqual } from 'node:crypto';
import { hashApiToken } from './hash-api-token.ts';

const TOKEN_SHAPE = /^alg_[A-Za-z0-9_-]{43}$/;
const HASH_SHAPE = /^[0-9a-f]{64}$/;

/**
 * True when `token` is well-formed and hashes to `tokenHash`, compared in constant
 * time. Malformed input is simply false: callers answer 401, not 400.
 *
 * @example
 * if (!verifyApiToken(presentedToken, stored.tokenHash)) throw new AppError('unauthenticated', 'invalid API token');
 */
export function verifyApiToken(token: string, tokenHash: string): boolean {
  if (!TOKEN_SHAPE.test(token) || !HASH_SHAPE.test(tokenHash)) return false;
  return timingSafeEqual(Buffer.from(hashApiToken(token), 'hex'), Buffer.from(tokenHash, 'hex'));
}
