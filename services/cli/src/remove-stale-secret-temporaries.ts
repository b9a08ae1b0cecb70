import { lstatSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { logSecretWarning, type TSecretWarn } from './log-secret-warning.ts';
import { SECRET_TEMPORARY_PATTERN } from './write-secret-file.ts';

/** Younger than this, a temporary file may be another process's write in progress. */
const STALE_AFTER_MS = 60_000;

/**
 * Removes what interrupted writes left in the secrets directory: they may hold a
 * secret. Returns the names removed.
 *
 * @example
 * removeStaleSecretTemporaries('/var/lib/alliage/secrets') // ['hmac.secret.tmp-1']
 */
export function removeStaleSecretTemporaries(
  directory: string,
  options: { now?: Date; warn?: TSecretWarn } = {},
): string[] {
  const warn = options.warn ?? logSecretWarning;
  const now = (options.now ?? new Date()).getTime();
  const removed: string[] = [];
  for (const name of readdirSync(directory)) {
    if (!SECRET_TEMPORARY_PATTERN.test(name)) continue;
    const file = path.join(directory, name);
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory() || now - stat.mtimeMs < STALE_AFTER_MS) continue;
    rmSync(file, { force: true });
    removed.push(name);
    warn({ file: name, message: 'removed a temporary secret file left by an interrupted write' });
  }
  return removed;
}
