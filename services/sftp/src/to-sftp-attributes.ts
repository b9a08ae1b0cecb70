import type { Stats } from 'node:fs';
import type { Attributes } from 'ssh2';
import type { StorageArea } from './resolve-virtual-path.ts';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * Permissions shown to the client say what it may do, not what the disk says:
 * `in/` is list-and-write (files there are write-only), `reports/` and `out/` read-only.
 * Owner and group are always 0 so no host account ids leak.
 */
function permissions(area: StorageArea | null, isDirectory: boolean): number {
  if (area === 'in') return isDirectory ? 0o700 : 0o200;
  return isDirectory ? 0o500 : 0o400;
}

/** SFTP attributes for an entry on disk in `area` (null for the virtual root). */
export function toSftpAttributes(
  stats: Pick<Stats, 'size' | 'atimeMs' | 'mtimeMs' | 'isDirectory'>,
  area: StorageArea | null,
): Attributes {
  const isDirectory = stats.isDirectory();
  return {
    mode: (isDirectory ? S_IFDIR : S_IFREG) | permissions(area, isDirectory),
    uid: 0,
    gid: 0,
    size: isDirectory ? 0 : stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

/** Attributes of a directory that exists only in the namespace (`/`), dated `now`. */
export function virtualDirectoryAttributes(area: StorageArea | null, now: Date): Attributes {
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    mode: S_IFDIR | permissions(area, true),
    uid: 0,
    gid: 0,
    size: 0,
    atime: seconds,
    mtime: seconds,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An `ls -l` line, which clients (OpenSSH `ls -l`, ssh2-sftp-client `list`) parse or print. */
export function toLongname(name: string, attrs: Attributes): string {
  const isDirectory = (attrs.mode & S_IFDIR) === S_IFDIR;
  const bits = ['r', 'w', 'x'];
  let rights = isDirectory ? 'd' : '-';
  for (let shift = 8; shift >= 0; shift -= 1) {
    rights += attrs.mode & (1 << shift) ? bits[(8 - shift) % 3] : '-';
  }
  const date = new Date(attrs.mtime * 1000);
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const time = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`;
  const size = String(attrs.size).padStart(10, ' ');
  return `${rights}    1 0        0        ${size} ${MONTHS[date.getUTCMonth()]} ${day} ${time} ${name}`;
}
