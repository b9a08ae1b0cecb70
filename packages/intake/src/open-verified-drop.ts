import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptVerifiedStream, type TDecryptionKeyInput } from '@alliage/crypto';
import { dropFileUnavailable } from './drop-file-unavailable.ts';

/**
 * Opens a drop's encrypted file and starts decrypting and verifying it as it is read:
 * `plaintext` streams the clear bytes, `verified` settles once the signature is checked
 * AND the bytes read had the SHA-256 the drop recorded, and `signer()` is the signer's
 * fingerprint from then on (null before). A missing file throws `dropFileUnavailable`
 * here, before anything streams; other bytes than the drop's reject `verified` with it.
 *
 * @example
 * const { plaintext, verified, signer } = await openVerifiedDrop(deps, { sourcePath, sha256 }, signerKeys);
 */
export async function openVerifiedDrop(
  deps: { decryptionKeys: TDecryptionKeyInput[]; maxPlaintextBytes: number },
  file: { sourcePath: string; sha256: string },
  signerKeys: string[],
) {
  // Opened now, not lazily by a read stream: a stream left unread while the keys unlock
  // would report ENOENT as an 'error' event nobody listens to, which ends the process.
  const handle = await open(file.sourcePath, 'r').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw dropFileUnavailable(
        'the encrypted file of this drop is no longer in the platform store: send it again',
        error,
      );
    }
    throw error;
  });
  const input = hashChecked(handle.createReadStream(), file.sha256);
  const { plaintext, verified } = decryptVerifiedStream({
    input,
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

/**
 * Passes the encrypted bytes through while hashing them, and fails at their end when
 * they are not the bytes the drop recorded: both engines settle `verified` only after
 * the input ended cleanly, so nothing of another file reaches the pool.
 */
function hashChecked(source: NodeJS.ReadableStream, expectedSha256: string): Transform {
  const hash = createHash('sha256');
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      if (hash.digest('hex') === expectedSha256) return callback();
      callback(
        dropFileUnavailable(
          'the file in the platform store is not the one this drop received (SHA-256 differs): send it again',
        ),
      );
    },
  });
  // Destroying `checked` (the decryptor discarding its input) closes the file too; the
  // error itself reaches the decryptor through `checked`.
  pipeline(source, checked).catch(() => undefined);
  return checked;
}
