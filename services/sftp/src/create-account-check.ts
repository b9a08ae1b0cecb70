import type { TOrgKind } from '@alliage/domain';
import { loadAccountKeys } from './load-account-keys.ts';
import type { SftpLogger, SftpServerOptions } from './sftp-server-options.ts';

/** What a re-check of a logged-in account found; anything but `active` ends the session. */
export type AccountVerdict = 'active' | 'account_inactive' | 'key_revoked' | 'account_changed';

/** The account and the key a connection logged in with. */
export interface LoggedInAccount {
  organisationCode: string;
  kind: TOrgKind;
  keyType: string;
  /** The key's public SSH blob. */
  publicKey: Buffer;
}

/**
 * Re-reads a logged-in organisation through `lookupAccount`, which answers only
 * for active organisations and lists only non-revoked keys: a session may go on
 * only while the organisation is active, the key it logged in with is still
 * registered, and its kind (which decides the visible areas) is unchanged.
 * Concurrent calls share one lookup, so a burst of requests costs one query.
 *
 * @example
 * const verify = createAccountCheck({ lookupAccount, logger, account }); // await verify() → 'active'
 */
export function createAccountCheck(options: {
  lookupAccount: SftpServerOptions['lookupAccount'];
  logger: SftpLogger;
  account: LoggedInAccount;
}): () => Promise<AccountVerdict> {
  const { lookupAccount, logger, account } = options;
  let inFlight: Promise<AccountVerdict> | null = null;

  const check = async (): Promise<AccountVerdict> => {
    const found = await loadAccountKeys(account.organisationCode, lookupAccount, logger);
    if (found === null) return 'account_inactive';
    if (found.account.kind !== account.kind) return 'account_changed';
    const stillRegistered = found.keys.some(
      (key) => key.type === account.keyType && key.getPublicSSH().equals(account.publicKey),
    );
    return stillRegistered ? 'active' : 'key_revoked';
  };

  return () => {
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
