import type { SftpBanPolicy } from './sftp-server-options.ts';

/** Tracks failed logins per remote address and bans, doubling each time, up to a ceiling. */
export interface BanList {
  /** Seconds left on the address's ban, or 0 when it may connect. */
  secondsBanned(address: string): number;
  /** Counts one failed login; returns the new ban in seconds when this failure starts one. */
  recordFailure(address: string): number | null;
}

interface AddressRecord {
  failures: number;
  lastFailureAt: number;
  /** How many bans this address has served; the next one lasts base·2^banCount. */
  banCount: number;
  bannedUntil: number;
}

const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * A fail2ban-style ban list in memory (one per server process). Failures older than
 * `maxSeconds` are forgotten, and an address quiet for twice `maxSeconds` starts
 * over from the base ban, so a member's occasional typo never compounds. A success
 * does not clear failures: otherwise one valid key would let an address probe
 * other organisations forever.
 *
 * @example
 * const bans = createBanList({ failuresBeforeBan: 5, baseSeconds: 60, maxSeconds: 3600 }, () => new Date());
 * if (bans.secondsBanned(ip) > 0) socket.destroy();
 */
export function createBanList(policy: SftpBanPolicy, clock: () => Date): BanList {
  const records = new Map<string, AddressRecord>();
  const quietResetMs = policy.maxSeconds * 1000;

  const prune = (now: number): void => {
    if (records.size < MAX_TRACKED_ADDRESSES) return;
    for (const [address, record] of records) {
      if (record.bannedUntil <= now && now - record.lastFailureAt > quietResetMs) {
        records.delete(address);
      }
    }
  };

  return {
    secondsBanned(address) {
      const record = records.get(normaliseAddress(address));
      if (!record) return 0;
      const left = record.bannedUntil - clock().getTime();
      return left > 0 ? Math.ceil(left / 1000) : 0;
    },

    recordFailure(rawAddress) {
      const address = normaliseAddress(rawAddress);
      const now = clock().getTime();
      prune(now);
      const record = records.get(address) ?? {
        failures: 0,
        lastFailureAt: now,
        banCount: 0,
        bannedUntil: 0,
      };
      const quietFor = now - Math.max(record.lastFailureAt, record.bannedUntil);
      if (quietFor > quietResetMs) record.failures = 0;
      if (quietFor > 2 * quietResetMs) record.banCount = 0;
      record.failures += 1;
      record.lastFailureAt = now;
      records.set(address, record);
      if (record.failures < policy.failuresBeforeBan) return null;

      const banSeconds = Math.min(policy.baseSeconds * 2 ** record.banCount, policy.maxSeconds);
      record.banCount += 1;
      record.failures = 0;
      record.bannedUntil = now + banSeconds * 1000;
      return banSeconds;
    },
  };
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same client. */
function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
