import { isAppError } from '@alliage/domain';
import {
  decryptSessionKeys,
  type Message,
  type PartialConfig,
  type PrivateKey,
  type PublicKey,
  readMessage,
  verify,
} from 'openpgp';
import { createSeipdV1Decryptor, type TSeipdV1Decryptor } from './create-seipd-v1-decryptor.ts';
import { rejectDecryption } from './decrypt-rejection.ts';
import { createPgpByteReader } from './pgp-byte-reader.ts';
import type { TPlaintextSource } from './plaintext-source.ts';
import { readPgpEnvelope, type TPgpEnvelope } from './read-pgp-envelope.ts';
import { type TEncryptedInput, toBinaryPgpChunks } from './to-binary-pgp-chunks.ts';

export interface DecryptWithOpenpgpOptions {
  input: TEncryptedInput;
  /** Unlocked platform keys. */
  decryptionKeys: PrivateKey[];
  /** The member's registered keys: a good signature from one of them is required. */
  signerKeys: PublicKey[];
  maxPlaintextBytes: number;
  /** Smallest decrypted chunk handed to openpgp.js; 0 keeps the sender's 8 KiB chunks. */
  rechunkBytes: number;
}

const PLAINTEXT_CHUNK_BYTES = 256 * 1024;
const INTEGRITY_FAILED = 'the integrity check (MDC) failed: the file was altered or truncated';

/**
 * The portable engine: openpgp.js reads the keys, the session key, the compressed
 * and signed message inside; the SEIPDv1 layer is decrypted here as it streams (see
 * `createSeipdV1Decryptor` for why). Plaintext is released before the MDC and the
 * signature are checked; `finish` is where they are.
 *
 * @example
 * const source = await decryptWithOpenpgp({ input, decryptionKeys, signerKeys, maxPlaintextBytes, rechunkBytes: 1 << 20 });
 */
export async function decryptWithOpenpgp(
  options: DecryptWithOpenpgpOptions,
): Promise<TPlaintextSource> {
  const reader = createPgpByteReader(toBinaryPgpChunks(options.input)[Symbol.asyncIterator]());
  let decryptor: TSeipdV1Decryptor | undefined;
  let dataReader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Our own errors never travel through openpgp.js, which rewrites error messages.
  let decryptorError: unknown;
  let pendingRead: Promise<unknown> = Promise.resolve();
  let draining = false;
  let closed = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    draining = true;
    await dataReader?.cancel().catch(() => undefined);
    await pendingRead.catch(() => undefined);
    await reader.cancel().catch(() => undefined);
  };

  // An altered file is reported as `integrity`, whatever openpgp.js tripped on first:
  // a flipped byte usually breaks the compressed data long before the MDC is reached.
  const classify = async (error: unknown): Promise<unknown> => {
    if (decryptorError !== undefined) return decryptorError;
    if (isAppError(error) && error.code !== 'validation_failed') return error;
    if (decryptor) {
      draining = true;
      await pendingRead.catch(() => undefined);
      try {
        if (!(await decryptor.drainAndCheckIntegrity())) {
          return rejectDecryption('integrity', INTEGRITY_FAILED, error);
        }
      } catch (drainError) {
        return drainError;
      }
    }
    return toRejection(error);
  };

  try {
    const envelope = await readPgpEnvelope(reader);
    if (envelope.seipdVersion !== 1) {
      throw rejectDecryption(
        'malformed',
        `encrypted data version ${envelope.seipdVersion} (AEAD) is not accepted; encrypt with MDC as GnuPG 2.2 does`,
      );
    }
    const sessionKey = await decryptSessionKey(envelope, options.decryptionKeys);
    const activeDecryptor = createSeipdV1Decryptor({
      encryptedData: envelope.encryptedData,
      sessionKey,
      chunkBytes: options.rechunkBytes,
      expectEnd: envelope.expectEnd,
    });
    decryptor = activeDecryptor;
    const decrypted = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (draining) {
            controller.error(new Error('decryption stopped'));
            return;
          }
          const step = activeDecryptor.read();
          pendingRead = step;
          try {
            const bytes = await step;
            if (bytes) controller.enqueue(bytes);
            else controller.close();
          } catch (error) {
            decryptorError = error;
            controller.error(new Error('decryption stopped'));
          }
        },
      },
      { highWaterMark: 0 },
    );
    const config: PartialConfig = {
      // A second cap inside openpgp.js, above ours (it also counts packet framing):
      // it stops a bomb inside one compressed chunk before it reaches our counter.
      maxDecompressedMessageSize:
        options.maxPlaintextBytes + Math.ceil(options.maxPlaintextBytes / 256) + (1 << 20),
    };
    const message = await readMessage({ binaryMessage: decrypted, config });
    const result = await verify({
      message,
      verificationKeys: options.signerKeys,
      format: 'binary',
      config,
    });
    if (result.signatures.length === 0) {
      throw rejectDecryption('unsigned', 'the file is encrypted but not signed');
    }
    const activeDataReader = result.data.getReader();
    dataReader = activeDataReader;
    return {
      read: async () => {
        // openpgp.js emits 8-16 KiB pieces; joined, the caller handles far fewer chunks.
        const parts: Uint8Array[] = [];
        let size = 0;
        try {
          while (size < PLAINTEXT_CHUNK_BYTES) {
            const { done, value } = await activeDataReader.read();
            if (done) break;
            parts.push(value);
            size += value.length;
          }
        } catch (error) {
          throw await classify(error);
        }
        if (size === 0) return undefined;
        return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      },
      finish: async () => {
        // The data stream only ends after the MDC matched; checked again, cheaply.
        if (!activeDecryptor.integrityVerified) {
          throw rejectDecryption('integrity', INTEGRITY_FAILED);
        }
        return { signerFingerprint: await checkSignatures(result.signatures, options.signerKeys) };
      },
      close,
    };
  } catch (error) {
    const rejection = await classify(error);
    await close();
    throw rejection;
  }
}

async function decryptSessionKey(
  envelope: TPgpEnvelope,
  decryptionKeys: PrivateKey[],
): Promise<{ algorithm: string; data: Uint8Array }> {
  if (envelope.sessionKeyPackets.length === 0) {
    throw rejectDecryption(
      'wrong_recipient',
      envelope.passphraseSessionKeyCount > 0
        ? 'the file is encrypted with a passphrase, not to the platform key'
        : 'the file names no recipient key',
    );
  }
  let message: Message<Uint8Array>;
  try {
    message = await readMessage({ binaryMessage: Buffer.concat(envelope.sessionKeyPackets) });
  } catch (error) {
    throw rejectDecryption('malformed', 'a session key packet is unreadable', error);
  }
  const recipients = message.getEncryptionKeyIDs();
  const platformKeyIds = decryptionKeys.flatMap((key) => key.getKeyIDs());
  // Key IDs are public: the member can see which key they used by mistake.
  if (!recipients.some((recipient) => platformKeyIds.some((own) => own.equals(recipient, true)))) {
    const named = recipients.map((keyId) => keyId.toHex().toUpperCase()).join(', ');
    throw rejectDecryption(
      'wrong_recipient',
      `the file is encrypted to key ID ${named}, not to the platform key`,
    );
  }
  let cause: unknown;
  try {
    const [sessionKey] = await decryptSessionKeys({ message, decryptionKeys });
    if (sessionKey?.algorithm) return { algorithm: sessionKey.algorithm, data: sessionKey.data };
  } catch (error) {
    cause = error;
  }
  // The same answer as a failed MDC, on purpose: telling "bad session key" from "bad
  // data" apart would be a padding oracle against an RSA platform key.
  throw rejectDecryption('integrity', INTEGRITY_FAILED, cause);
}

type TVerificationResult = Awaited<ReturnType<typeof verify>>['signatures'][number];

/** Any bad signature rejects; otherwise one good signature by a registered key is required. */
async function checkSignatures(
  signatures: TVerificationResult[],
  signerKeys: PublicKey[],
): Promise<string> {
  const unknownKeyIds: string[] = [];
  let badSignature: string | undefined;
  let signerFingerprint: string | undefined;
  for (const signature of signatures) {
    const signerKey = signerKeys.find((key) => key.getKeys(signature.keyID).length > 0);
    if (!signerKey) {
      unknownKeyIds.push(signature.keyID.toHex().toUpperCase());
      continue;
    }
    try {
      await signature.verified;
    } catch {
      badSignature ??= 'a signature does not match the file content';
      continue;
    }
    try {
      // openpgp.js checks the key at signing time; GnuPG also refuses a key expired
      // or revoked since (EXPKEYSIG, REVKEYSIG), and both engines must agree.
      await signerKey.getSigningKey(signature.keyID, new Date());
    } catch {
      badSignature ??= 'the signing key has expired or was revoked';
      continue;
    }
    signerFingerprint ??= signerKey.getFingerprint().toUpperCase();
  }
  if (badSignature) throw rejectDecryption('bad_signature', badSignature);
  if (signerFingerprint) return signerFingerprint;
  throw rejectDecryption(
    'unknown_signer',
    `signed by key ID ${unknownKeyIds.join(', ')}, which is not registered for this member`,
  );
}

function toRejection(error: unknown): unknown {
  if (isAppError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (text.includes('Maximum decompressed message size exceeded')) {
    return rejectDecryption('too_large', 'the content decompresses beyond the size limit', error);
  }
  // openpgp.js cannot read compressed data nested in compressed data; GnuPG can, and
  // its engine stops such a file at the size limit. Either way it is the bomb pattern.
  if (text.includes('not allowed in this context: compressedData')) {
    return rejectDecryption(
      'too_large',
      'compressed data nested inside compressed data (a compression bomb pattern) is refused',
      error,
    );
  }
  return rejectDecryption(
    'malformed',
    'the decrypted content is not a signed OpenPGP message',
    error,
  );
}
