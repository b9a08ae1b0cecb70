import { AppError } from '@alliage/domain';
import { decryptKey, type PrivateKey, readPrivateKey } from 'openpgp';

/** A platform decryption key as configuration holds it. */
export interface TDecryptionKeyInput {
  armoredPrivateKey: string;
  /** Unlocks the key when it is passphrase-protected. */
  passphrase?: string;
}

/**
 * Reads and unlocks the platform's decryption keys (current and previous during a
 * rotation). A bad key or passphrase is the platform's configuration error, not the
 * member's file: `internal`, and the message names the key's position only.
 *
 * @example
 * const keys = await unlockDecryptionKeys([{ armoredPrivateKey, passphrase }]);
 */
export async function unlockDecryptionKeys(keys: TDecryptionKeyInput[]): Promise<PrivateKey[]> {
  if (keys.length === 0) throw new AppError('internal', 'no platform decryption key configured');
  const unlocked: PrivateKey[] = [];
  for (const [index, key] of keys.entries()) {
    let privateKey: PrivateKey;
    try {
      privateKey = await readPrivateKey({ armoredKey: key.armoredPrivateKey });
    } catch (error) {
      throw new AppError('internal', `platform decryption key ${index} is malformed`, {
        cause: error,
      });
    }
    if (privateKey.isDecrypted()) {
      unlocked.push(privateKey);
      continue;
    }
    if (key.passphrase === undefined) {
      throw new AppError('internal', `platform decryption key ${index} needs its passphrase`);
    }
    try {
      unlocked.push(await decryptKey({ privateKey, passphrase: key.passphrase }));
    } catch {
      // No cause: nothing about the passphrase may reach a log.
      throw new AppError('internal', `platform decryption key ${index}: wrong passphrase`);
    }
  }
  return unlocked;
}
