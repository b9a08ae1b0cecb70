import { open } from 'node:fs/promises';
import { decryptVerifiedStream, type TDecryptionKeyInput } from '@alliage/crypto';
import { dropFileUnavailable } from './drop-file-unavailable.ts';

/**
 * Opens a drop's encrypted file and starts decrypting and verifying it as it is read:
 * `plaintext` streams the clear bytes, `verified` settles once the signature is checked,
 * and `signer()` is the signer's fingerprint from then on (null before). A missing file
 * throws `dropFileUnavailable` here, before anything streams.
 *
 * @example
 * const { plaintext, verified, signer } = await openVerifiedDrop(deps, sourcePath, signerKeys);
 */
export async function openVerifiedDrop(
  deps: { decryptionKeys: TDecryptionKeyInput[]; maxPlaintextBytes: number },
  sourcePath: string,
  signerKeys: string[],
) {
  // Opened now, not lazily by a read stream: a stream left unread while the keys unlock
  // would report ENOENT as an 'error' event nobody listens to, which ends the process.
  const handle = await open(sourcePath, 'r').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw dropFileUnavailable(
        'the encrypted file of this drop is no longer in the platform store: send it again',
        error,
      );
    }
    throw error;
  });
  const { plaintext, verified } = decryptVerifiedStream({
    input: handle.createReadStream(),
    decryptionKeys: deps.decryptionKeys,
    signerPublicKeys: signerKeys,
    maxPlaintextBytes: deps.maxPlaintextBytes,
  });
  let signerFingerprint: string | null = null;
  return {
    plaintext,
    verified: verified.then((result) => {
      signerFingerprint = result.signerFingerprint;
      return result;
    }),
    signer: (): string | null => signerFingerprint,
  };
}
