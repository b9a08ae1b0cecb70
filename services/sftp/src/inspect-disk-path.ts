import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

/** What is on disk at a resolved path, seen without following any link. */
export type DiskPathState =
  | { state: 'present'; stats: Stats }
  /** The last component is absent; `parentIsDirectory` says whether it could be created. */
  | { state: 'missing'; parentIsDirectory: boolean }
  /** A symlink (or a non-directory) sits on the way: the path must not be used. */
  | { state: 'refused' };

/**
 * Walks `components` below `trustedBase` (the canonical storage root) with lstat, so
 * that a symlink planted anywhere in `<ORG>/…` — even one pointing back inside — makes
 * the path unusable. Nothing in the drop zone is a link, so refusing all of them is
 * simpler than deciding which targets are safe. Files are then opened with
 * O_NOFOLLOW, which closes the race on the last component; earlier components can
 * only be swapped by a local process with write access to the storage root.
 *
 * @example
 * await inspectDiskPath('/srv/alliage', ['M01', 'reports', 'r.csv.pgp']) // → { state: 'present', stats }
 */
export async function inspectDiskPath(
  trustedBase: string,
  components: string[],
): Promise<DiskPathState> {
  let current = trustedBase;
  for (let index = 0; index < components.length; index += 1) {
    current = join(current, components[index] as string);
    const isLast = index === components.length - 1;
    let stats: Stats;
    try {
      stats = await lstat(current);
    } catch (error) {
      if (isNotFound(error)) return { state: 'missing', parentIsDirectory: isLast };
      throw error;
    }
    if (stats.isSymbolicLink()) return { state: 'refused' };
    if (isLast) return { state: 'present', stats };
    if (!stats.isDirectory()) return { state: 'refused' };
  }
  return { state: 'present', stats: await lstat(trustedBase) };
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
