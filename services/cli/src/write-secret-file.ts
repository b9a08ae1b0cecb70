import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** How the name of a secret being written ends; `removeStaleSecretTemporaries` looks for it. */
export const SECRET_TEMPORARY_PATTERN = /\.tmp-[0-9a-f]+$/;

/**
 * Writes a secret file (0600) through a temporary file, so a crash never leaves a
 * half-written secret under the real name. Without `replace`, an existing file is
 * never overwritten: it returns false and the file keeps what it held (another
 * process may have created it first).
 *
 * @example
 * const created = writeSecretFile('/var/lib/alliage/secrets/hmac.secret', generateSecret());
 */
export function writeSecretFile(
  file: string,
  content: string,
  options: { replace?: boolean } = {},
): boolean {
  // Random, not the pid: a leftover of a crashed run (pid 1 again in a container) must not block the next.
  const temporary = `${file}.tmp-${randomBytes(8).toString('hex')}`;
  // O_EXCL and O_NOFOLLOW: never write into a file or through a link someone put there.
  const descriptor = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    try {
      writeFileSync(descriptor, content);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    if (options.replace) {
      renameSync(temporary, file);
    } else {
      // link, unlike rename, fails when the name exists: the check and the write are one step.
      try {
        linkSync(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    }
    syncDirectory(path.dirname(file));
    return true;
  } finally {
    // Gone after a rename; after a link or a failure it still holds the secret.
    rmSync(temporary, { force: true });
  }
}

/** Makes the new name durable: a secret already used must not vanish at a power cut. */
function syncDirectory(directory: string): void {
  const descriptor = openSync(directory, constants.O_RDONLY);
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
