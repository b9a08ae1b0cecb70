import type { TOrgKind } from '@alliage/domain';
import { loadAccountKeys } from './load-account-keys.ts';
import { type StorageArea, visibleAreas } from './resolve-virtual-path.ts';
import type { SftpLogger, SftpServerOptions } from './sftp-server-options.ts';
import { type ScheduleTimer, withDeadline } from './with-deadline.ts';

/** What a re-check of a logged-in account found; anything but `active` ends the session. */
export type AccountVerdict = 'active' | 'account_inactive' | 'key_revoked' | 'account_changed';

/** The account and the key a connection logged in with. */
export interface LoggedInAccount {
  organisationCode: string;
  kind: TOrgKind;
  /** The areas the session sees (`visibleAreas`). */
  areas: readonly StorageArea[];
  keyType: string;
  /** The key's public SSH blob. */
  publicKey: Buffer;
}

/** The re-checks of one logged-in account. */
export interface AccountCheck {
  /** Looks the account up now; rejects with `account_lookup_timeout` past the deadline. */
  verify(): Promise<AccountVerdict>;
  /** True when a lookup found the account active less than `recentMs` ago. */
  recentlyActive(): boolean;
  /** `active` with no lookup if `recentlyActive()`; else `verify()`. */
  verifyRecent(): Promise<AccountVerdict>;
}

/**
 * Re-reads a logged-in organisation through `lookupAccount`, which answers only
 * for organisations that may log in and lists only non-revoked keys: a session may go
 * on only while the organisation may log in, the key it logged in with is still
 * registered, and its kind and visible areas are unchanged.
 * Concurrent calls share one lookup, so a burst of requests costs one query.
 * `verifyRecent` is for the many requests of a transfer: the age of the last
 * `active` verdict is read on `clock`, and a clock that went back counts as stale.
 *
 * A lookup that has not answered after `timeoutMs` (a hung database) fails every
 * request waiting on it (`DeadlineExceededError`, code `account_lookup_timeout`),
 * and the next call starts a new one; whatever the abandoned lookup answers later
 * is dropped, so a stale "active" can never be dated from it.
 *
 * @example
 * const check = createAccountCheck({ lookupAccount, logger, account, clock, recentMs: 5000,
 *   timeoutMs: 10_000, schedule });
 * await check.verify(); // → 'active'
 */
export function createAccountCheck(options: {
  lookupAccount: SftpServerOptions['lookupAccount'];
  logger: SftpLogger;
  account: LoggedInAccount;
  clock: () => Date;
  recentMs: number;
  timeoutMs: number;
  schedule: ScheduleTimer;
}): AccountCheck {
  const { lookupAccount, logger, account, clock, recentMs, timeoutMs, schedule } = options;
  let inFlight: Promise<AccountVerdict> | null = null;
  /** When a lookup last found the account active (platform clock, ms); null: never or not since. */
  let activeAt: number | null = null;

  const check = async (): Promise<AccountVerdict> => {
    const found = await loadAccountKeys(account.organisationCode, lookupAccount, logger);
    if (found === null) return 'account_inactive';
    if (found.account.kind !== account.kind) return 'account_changed';
    // An offboarded member's reports-only session ends when it is made active again, and
    // the other way round: the areas it sees changed.
    if (visibleAreas(found.account).join('/') !== account.areas.join('/')) return 'account_changed';
    const stillRegistered = found.keys.some(
      (key) => key.type === account.keyType && key.getPublicSSH().equals(account.publicKey),
    );
    return stillRegistered ? 'active' : 'key_revoked';
  };

  const verify = (): Promise<AccountVerdict> => {
    if (!inFlight) {
      const startedAt = clock().getTime();
      inFlight = withDeadline(check(), timeoutMs, schedule, 'account_lookup_timeout')
        .then(
          (verdict) => {
            // Dated from the start of the lookup: a revocation during it is not hidden.
            activeAt = verdict === 'active' ? startedAt : null;
            return verdict;
          },
          (error: unknown) => {
            activeAt = null;
            throw error;
          },
        )
        .finally(() => {
          inFlight = null;
        });
    }
    return inFlight;
  };

  const recentlyActive = (): boolean => {
    const age = activeAt === null ? null : clock().getTime() - activeAt;
    return age !== null && age >= 0 && age < recentMs;
  };

  return {
    verify,
    recentlyActive,
    verifyRecent: () => (recentlyActive() ? Promise.resolve('active') : verify()),
  };
}
