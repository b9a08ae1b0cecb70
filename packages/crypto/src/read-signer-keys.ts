import { AppError } from '@alliage/domain';
import { type PublicKey, readKey } from 'openpgp';
import { rejectDecryption } from './decrypt-rejection.ts';

/**
 * Reads the member's registered signing keys. None registered means no file of this
 * member can be verified: the file is rejected (`unknown_signer`). A malformed
 * registered key is a registration bug (`internal`), since keys are checked when
 * they are registered.
 *
 * @example
 * const signerKeys = await readSignerKeys(member.pgpPublicKeys);
 */
export async function readSignerKeys(armoredPublicKeys: string[]): Promise<PublicKey[]> {
  if (armoredPublicKeys.length === 0) {
    throw rejectDecryption('unknown_signer', 'no PGP key is registered for this member');
  }
  const keys: PublicKey[] = [];
  for (const [index, armoredKey] of armoredPublicKeys.entries()) {
    try {
      // toPublic: a private key pasted by mistake must not travel further.
      keys.push((await readKey({ armoredKey })).toPublic());
    } catch (error) {
      throw new AppError('internal', `registered signer key ${index} is malformed`, {
        cause: error,
      });
    }
  }
  return keys;
}
