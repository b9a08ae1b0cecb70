import { closeSync, constants, fchmodSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@alliage/domain';
import { formatMode, logSecretWarning, type TSecretWarn } from './log-secret-warning.ts';

/**
 * Reads a secret file, first tightening it to 0600 if group or others may read it,
 * and says so: something changed those permissions, and the secret may have been read.
 *
 * @example
 * const hmacSecret = readSecretFile('/var/lib/alliage/secrets/hmac.secret');
 */
export function readSecretFile(file: string, options: { warn?: TSecretWarn } = {}): string {
  const warn = options.warn ?? logSecretWarning;
  const name = path.basename(file);
  // One descriptor for the check, the fix and the read: the file cannot be swapped between them.
  const descriptor = openSync(file, constants.O_RDONLY);
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) {
      throw new AppError('conflict', `secrets/${name} is not a regular file`);
    }
    if ((stat.mode & 0o077) !== 0) {
      try {
        fchmodSync(descriptor, 0o600);
      } catch (error) {
        throw new AppError(
          'conflict',
          `secrets/${name} may be read by others (${formatMode(stat.mode)}) and cannot be changed to 0600`,
          { cause: error },
        );
      }
      warn({
        file: name,
        mode: formatMode(stat.mode),
        message: `secret file permissions were loosened: tightened to 0600; check who changed them and whether the secret was read`,
      });
    }
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}
