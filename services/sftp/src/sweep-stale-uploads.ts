import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const TEMP_NAME = /^\.upload-[0-9a-f]+\.part$/;

/**
 * Deletes `<ORG>/in/.upload-*.part` files not written to for `olderThanMs`: what a
 * crashed process leaves behind (a dropped connection cleans up after itself).
 * Age-based, because several server processes may share one storage root and a
 * live upload touches its temp file with every write. Returns how many were removed.
 *
 * @example
 * await sweepStaleUploads('/srv/alliage/sftp', 24 * 3600_000, new Date());
 */
export async function sweepStaleUploads(
  storageRoot: string,
  olderThanMs: number,
  now: Date,
): Promise<number> {
  let removed = 0;
  for (const organisation of await readdir(storageRoot, { withFileTypes: true })) {
    if (!organisation.isDirectory()) continue;
    const inbox = join(storageRoot, organisation.name, 'in');
    const inboxStats = await lstat(inbox).catch(() => null);
    if (!inboxStats?.isDirectory()) continue;
    for (const name of await readdir(inbox)) {
      if (!TEMP_NAME.test(name)) continue;
      const stats = await lstat(join(inbox, name)).catch(() => null);
      if (!stats?.isFile() || now.getTime() - stats.mtimeMs < olderThanMs) continue;
      await rm(join(inbox, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}
