import { createHmac } from 'node:crypto';
import { AppError } from '@alliage/domain';

/**
 * Hex HMAC-SHA256 of `value` (UTF-8) under `secret`; a string secret is used as
 * its UTF-8 bytes, not decoded. Used for keyed hashes such as the repoussoir.
 *
 * @example
 * hmacSha256Hex(platformSecret, 'jane.doe@example.com') // '5b1c...' (64 hex characters)
 */
export function hmacSha256Hex(secret: Uint8Array | string, value: string): string {
  // An empty key still "works" and would silently make every keyed hash guessable.
  if (secret.length === 0) throw new AppError('validation_failed', 'HMAC secret is empty');
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex');
}
