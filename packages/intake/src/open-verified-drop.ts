import { createReadStream } from 'node:fs';
import { decryptVerifiedStream, type TDecryptionKeyInput } from '@alliage/crypto';

/**
 * Starts decrypting and verifying an encrypted drop as it is read: `plaintext` streams the
 * clear bytes, `verified` settles once the signature is checked, and `signer()` is the
 * signer's fingerprint from then on (null before).
 *
 * @example
 * const { plaintext, verified, signer } = openVerifiedDrop(deps, sourcePath, signerKeys);
 */
export function openVerifiedDrop(
  deps: { decryptionKeys: TDecryptionKeyInput[]; maxPlaintextBytes: number },
  sourcePath: string,
  signerKeys: string[],
) {
  const { plaintext, verified } = decryptVerifiedStream({
    input: createReadStream(sourcePath),
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
