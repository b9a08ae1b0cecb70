import { ZOrgCode } from '@alliage/domain';
import ssh2, { type ParsedKey } from 'ssh2';
import type { SftpAccount, SftpLogger } from './sftp-server-options.ts';

/** An account ready for authentication: its registered keys parsed once. */
export interface AccountKeys {
  account: SftpAccount;
  keys: ParsedKey[];
}

/**
 * Looks up the organisation named by an SSH username and parses its public keys.
 * Usernames that are not organisation codes never reach the control plane, and the
 * returned code must be that same, well-formed code: it becomes a directory name.
 * Unparseable registered keys are skipped (counted in a warning, never logged).
 *
 * @example
 * const found = await loadAccountKeys('M01', lookupAccount, logger); // → { account, keys } | null
 */
export async function loadAccountKeys(
  username: string,
  lookupAccount: (username: string) => Promise<SftpAccount | null>,
  logger: SftpLogger,
): Promise<AccountKeys | null> {
  if (!ZOrgCode.safeParse(username).success) return null;
  const account = await lookupAccount(username);
  if (account === null) return null;
  if (account.organisationCode !== username) {
    logger.warn({ organisationCode: username }, 'lookupAccount returned another organisation');
    return null;
  }

  const keys: ParsedKey[] = [];
  let unusable = 0;
  for (const line of account.publicKeys) {
    const parsed = ssh2.utils.parseKey(line) as ParsedKey | ParsedKey[] | Error;
    // OpenSSH-format input may parse to an array; a registered public key is its first entry.
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined || key instanceof Error || key.isPrivateKey()) unusable += 1;
    else keys.push(key);
  }
  if (unusable > 0) {
    logger.warn(
      { organisationCode: username, unusableKeys: unusable },
      'registered SSH keys could not be parsed',
    );
  }
  return { account, keys };
}
