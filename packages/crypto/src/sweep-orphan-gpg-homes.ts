import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TGpgInstallation } from './detect-gpg.ts';
import { currentGpgHomeOwner, isOrphanGpgHome } from './gpg-home-owner.ts';

const execFileAsync = promisify(execFile);

export interface SweepOrphanGpgHomesOptions {
  /** To stop the gpg-agent a home may still run; without it the folder alone goes. */
  gpg: TGpgInstallation | undefined;
  /** Where the homes are made (default: the OS temp directory). */
  directory?: string;
}

/**
 * Removes the temporary GnuPG homes that processes of this machine left when they
 * were killed mid-decryption, after stopping the gpg-agent each may still run (it
 * can hold the unlocked platform key in its cache for minutes). Run at start by the
 * processes that decrypt; returns how many homes went.
 *
 * @example
 * const removed = await sweepOrphanGpgHomes({ gpg: await detectGpg() });
 */
export async function sweepOrphanGpgHomes(options: SweepOrphanGpgHomesOptions): Promise<number> {
  const directory = options.directory ?? tmpdir();
  const self = currentGpgHomeOwner();
  const names = await readdir(directory).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names.filter((entry) => isOrphanGpgHome(entry, self, isProcessAlive))) {
    const home = path.join(directory, name);
    if (options.gpg) {
      await execFileAsync(options.gpg.gpgconfPath, ['--homedir', home, '--kill', 'gpg-agent'], {
        timeout: 10_000,
      }).catch(() => undefined);
    }
    await rm(home, { recursive: true, force: true, maxRetries: 3 });
    removed += 1;
  }
  return removed;
}

/** Whether a process with this id exists (one of another user counts). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
