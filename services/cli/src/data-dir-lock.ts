import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@alliage/domain';

/** What the lock file says about the process holding the data directory. */
export interface TLockInfo {
  pid: number;
  kind: 'serve' | 'cli';
  /** Base URL of the HTTP API when `kind` is `serve`. */
  url: string | null;
  startedAt: string;
}

export interface DataDirLock {
  info: TLockInfo;
  release(): void;
}

const LOCK_FILE = 'alliage.lock';

/** Reads the lock of `dataDir`, or null when no live process holds it (a stale lock is removed). */
export function readDataDirLock(dataDir: string): TLockInfo | null {
  const file = path.join(dataDir, LOCK_FILE);
  let info: TLockInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as TLockInfo;
  } catch {
    return null;
  }
  if (isAlive(info.pid)) return info;
  rmSync(file, { force: true });
  return null;
}

/**
 * Takes the data directory for this process: PGlite lets only one process open
 * its directory, so `serve` and direct CLI commands never run side by side.
 *
 * @example
 * const lock = acquireDataDirLock(config.dataDir, { kind: 'cli', url: null });
 */
export function acquireDataDirLock(
  dataDir: string,
  options: { kind: TLockInfo['kind']; url: string | null },
): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const info: TLockInfo = {
    pid: process.pid,
    kind: options.kind,
    url: options.url,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        info,
        release: () => {
          if (released) return;
          released = true;
          const current = readDataDirLock(dataDir);
          if (current?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readDataDirLock(dataDir);
      if (holder) {
        throw new AppError(
          'locked',
          `data directory ${dataDir} is in use by ${holder.kind} (pid ${holder.pid})`,
        );
      }
    }
  }
  throw new AppError('locked', `could not lock data directory ${dataDir}`);
}

/** Rewrites the lock with the final URL once the HTTP server listens. */
export function updateDataDirLock(dataDir: string, info: TLockInfo): void {
  const file = path.join(dataDir, LOCK_FILE);
  const fd = openSync(file, 'w', 0o600);
  writeSync(fd, JSON.stringify(info));
  closeSync(fd);
}

/** Whether a process with this ID runs (one of another user's counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
