import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

/** Prefix of the temporary GnuPG homes, before the owner tag. */
const GPG_HOME_PREFIX = 'alliage-gpg-';

/** Who made a temporary GnuPG home: the machine (a hash of its host name) and the process. */
export interface TGpgHomeOwner {
  hostTag: string;
  pid: number;
}

const OWNED_HOME = new RegExp(`^${GPG_HOME_PREFIX}([0-9a-f]{8})-([1-9]\\d{0,9})-`);

/** This process as a home's owner. */
export function currentGpgHomeOwner(): TGpgHomeOwner {
  return {
    hostTag: createHash('sha256').update(hostname()).digest('hex').slice(0, 8),
    pid: process.pid,
  };
}

/**
 * The `mkdtemp` prefix of a home owned by `owner`: the process id in the name lets a
 * later process tell a home whose owner died (killed mid-decryption) from a live one;
 * the host tag keeps it from judging homes of another machine sharing the folder.
 *
 * @example
 * gpgHomePrefix({ hostTag: '0a1b2c3d', pid: 4242 }); // 'alliage-gpg-0a1b2c3d-4242-'
 */
export function gpgHomePrefix(owner: TGpgHomeOwner): string {
  return `${GPG_HOME_PREFIX}${owner.hostTag}-${owner.pid}-`;
}

/**
 * Whether the temporary-folder entry `name` is a GnuPG home left by a process of this
 * machine that is gone. Homes of this process, of live processes, of other machines
 * and of unknown form (no owner in the name) are never orphans.
 *
 * @example
 * isOrphanGpgHome('alliage-gpg-0a1b2c3d-4242-Xy12Ab', { hostTag: '0a1b2c3d', pid: 7 }, () => false); // true
 */
export function isOrphanGpgHome(
  name: string,
  self: TGpgHomeOwner,
  isAlive: (pid: number) => boolean,
): boolean {
  const match = OWNED_HOME.exec(name);
  if (!match) return false;
  const pid = Number(match[2]);
  return match[1] === self.hostTag && pid !== self.pid && !isAlive(pid);
}
