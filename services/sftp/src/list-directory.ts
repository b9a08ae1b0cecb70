import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from 'ssh2';
import type { StorageArea } from './resolve-virtual-path.ts';
import { toLongname, toSftpAttributes } from './to-sftp-attributes.ts';

/** Listings stop here; a drop zone with more entries needs housekeeping, not paging. */
const MAX_ENTRIES = 10_000;

/**
 * Lists a verified directory of an organisation's area as SFTP entries. Hidden names
 * (in-progress `.upload-*.part` files), symlinks, sockets and the like are left out,
 * and `in/` shows plain files only: the client sees exactly what it may address.
 *
 * @example
 * const entries = await listDirectory('/srv/alliage/M01/in', 'in');
 */
export async function listDirectory(diskPath: string, area: StorageArea): Promise<FileEntry[]> {
  const dirents = await readdir(diskPath, { withFileTypes: true });
  const entries: FileEntry[] = [];
  for (const dirent of dirents) {
    if (entries.length >= MAX_ENTRIES) break;
    if (dirent.name.startsWith('.')) continue;
    if (!dirent.isFile() && !(dirent.isDirectory() && area !== 'in')) continue;
    let stats: Awaited<ReturnType<typeof lstat>>;
    try {
      stats = await lstat(join(diskPath, dirent.name));
    } catch {
      continue; // removed while listing
    }
    if (!stats.isFile() && !(stats.isDirectory() && area !== 'in')) continue;
    const attrs = toSftpAttributes(stats, area);
    entries.push({ filename: dirent.name, longname: toLongname(dirent.name, attrs), attrs });
  }
  entries.sort((left, right) => (left.filename < right.filename ? -1 : 1));
  return entries;
}
