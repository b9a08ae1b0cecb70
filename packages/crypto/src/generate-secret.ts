import { randomBytes } from 'node:crypto';
import { AppError } from '@alliage/domain';

const MIN_SECRET_BYTES = 16;
const MAX_SECRET_BYTES = 1024;

/**
 * A new random secret of `bytes` bytes (default 32), as unpadded base64url.
 *
 * @example
 * generateSecret() // 'q3Z8...' (43 characters)
 */
export function generateSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new AppError(
      'validation_failed',
      `secret length must be an integer from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`,
    );
  }
  return randomBytes(bytes).toString('base64url');
}
