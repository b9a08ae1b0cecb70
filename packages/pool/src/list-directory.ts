import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';

/**
 * Entries of a directory; none when it does not exist (nothing written there yet).
 *
 * @example
 * const entries = await listDirectory(path.join(dropStore, 'M01')); // [] before its first drop
 */
export async function listDirectory(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
