import { AppError } from '@alliage/domain';
import {
  createMessage,
  decryptKey,
  encrypt,
  enums,
  type PrivateKey,
  type PublicKey,
  readKey,
  readMessage,
  readPrivateKey,
  type SignaturePacket,
} from 'openpgp';

export interface EncryptAndSignOptions {
  /** The clear bytes (a delivery CSV); kept in memory, 100k rows ≈ 20 MB is fine. */
  data: Uint8Array;
  /** The client's registered public key. */
  recipientArmoredPublicKey: string;
  /** The platform's signing key. */
  signingArmoredPrivateKey: string;
  /** Unlocks `signingArmoredPrivateKey` when it is passphrase-protected. */
  passphrase?: string;
  /** Name stored in the literal data packet (`gpg --decrypt --use-embedded-filename`). */
  fileName: string;
  /** Reference date for key validity and the signature time (default: now). */
  now?: Date;
}

export interface TEncryptedDelivery {
  /** Binary OpenPGP message: PKESK + SEIPD v1 holding a signed, zlib-compressed literal packet. */
  message: Uint8Array;
  /** Upper-case hex fingerprint of the recipient's primary key. */
  recipientFingerprint: string;
  /** Upper-case hex fingerprint of the platform signing key's primary key. */
  signerFingerprint: string;
}

// What GnuPG 2.2 (Debian 12) reads, whatever the keys advertise or the global config says:
// no AEAD (SEIPD v2 or OCB), v4 packets. zlib shrinks a delivery CSV about 5x and every
// OpenPGP implementation reads it.
const GNUPG_22_CONFIG = {
  aeadProtect: false,
  v6Keys: false,
  preferredCompressionAlgorithm: enums.compression.zlib,
  preferredSymmetricAlgorithm: enums.symmetric.aes256,
} as const;

/**
 * Encrypts `data` to the client's key and signs it with the platform key as one binary
 * OpenPGP message that `gpg --decrypt` (2.2 and later) reads and verifies. An expired,
 * revoked, non-v4 or encryption-less client key is the client's problem
 * (`validation_failed`, not retried); a bad platform key is ours (`internal`).
 *
 * @example
 * const { message } = await encryptAndSign({ data: csv, recipientArmoredPublicKey, signingArmoredPrivateKey, passphrase, fileName: 'alliage-20260101-ab12cd34.csv' });
 */
export async function encryptAndSign(options: EncryptAndSignOptions): Promise<TEncryptedDelivery> {
  const now = options.now ?? new Date();
  const recipientKey = await checkRecipientKey(options.recipientArmoredPublicKey, now);
  const signingKey = await unlockSigningKey(
    options.signingArmoredPrivateKey,
    options.passphrase,
    now,
  );
  withoutSeipdV2Feature(recipientKey);

  let message: Uint8Array;
  try {
    message = await encrypt({
      message: await createMessage({
        binary: options.data,
        filename: options.fileName,
        date: now,
        format: 'binary',
      }),
      encryptionKeys: recipientKey,
      signingKeys: signingKey,
      date: now,
      format: 'binary',
      config: GNUPG_22_CONFIG,
    });
  } catch (error) {
    throw new AppError('internal', 'encrypting the delivery failed', { cause: error });
  }
  await assertSeipdV1(message);
  return {
    message,
    recipientFingerprint: recipientKey.getFingerprint().toUpperCase(),
    signerFingerprint: signingKey.getFingerprint().toUpperCase(),
  };
}

async function checkRecipientKey(armoredPublicKey: string, now: Date): Promise<PublicKey> {
  let key: PublicKey;
  try {
    key = await readKey({ armoredKey: armoredPublicKey });
  } catch (error) {
    throw new AppError('validation_failed', 'client PGP key is malformed', { cause: error });
  }
  const fingerprint = key.getFingerprint().toUpperCase();
  const refuse = (why: string, cause?: unknown): AppError =>
    new AppError('validation_failed', `client PGP key ${fingerprint} ${why}`, {
      retry: false,
      cause,
    });
  if (key.isPrivate()) throw refuse('is a private key, not a public key');
  if (key.keyPacket.version !== 4) throw refuse('is not an OpenPGP v4 key');
  if (await key.isRevoked(undefined, undefined, now)) throw refuse('is revoked');
  const expiry = await key.getExpirationTime();
  if (expiry instanceof Date && expiry.getTime() <= now.getTime()) throw refuse('is expired');
  try {
    await key.getEncryptionKey(undefined, now);
  } catch (error) {
    // A primary key that is still valid but whose encryption subkeys all expired or
    // were revoked lands here too: for the operator it is the same fix (a new subkey).
    throw refuse('cannot encrypt', error);
  }
  return key;
}

async function unlockSigningKey(
  armoredPrivateKey: string,
  passphrase: string | undefined,
  now: Date,
): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armoredPrivateKey });
  } catch (error) {
    throw new AppError('internal', 'platform signing key is malformed or not a private key', {
      cause: error,
    });
  }
  if (key.keyPacket.version !== 4) {
    throw new AppError('internal', 'platform signing key is not an OpenPGP v4 key');
  }
  if (!key.isDecrypted()) {
    if (passphrase === undefined) {
      throw new AppError('internal', 'platform signing key needs its passphrase');
    }
    try {
      key = await decryptKey({ privateKey: key, passphrase });
    } catch {
      // No cause: nothing about the passphrase may reach a log.
      throw new AppError('internal', 'platform signing key: wrong passphrase');
    }
  }
  try {
    await key.getSigningKey(undefined, now);
  } catch (error) {
    throw new AppError('internal', 'platform signing key cannot sign at this date', {
      cause: error,
    });
  }
  return key;
}

/**
 * openpgp.js picks SEIPD v2 (AEAD) whenever every recipient advertises it, which a key
 * made by a recent GnuPG or Sequoia may do, and the config cannot override that. The
 * client may still decrypt on a GnuPG 2.2 machine, so the flag is cleared on this
 * in-memory copy. Signatures are checked against their stored bytes, not the parsed
 * `features`, so the key stays valid.
 */
function withoutSeipdV2Feature(key: PublicKey): void {
  // enums.features.seipdv2 (RFC 9580 §5.2.3.32); not in openpgp's type declarations.
  const seipdV2Flag = 0x08;
  const clear = (signature: SignaturePacket): void => {
    const features = signature.features;
    if (features && features.length > 0) features[0] = features[0]! & ~seipdV2Flag;
  };
  for (const user of key.users) user.selfCertifications.forEach(clear);
  // Not in openpgp's type declarations, but present at runtime (v4 direct-key signatures).
  const { directSignatures = [] } = key as unknown as { directSignatures?: SignaturePacket[] };
  directSignatures.forEach(clear);
}

async function assertSeipdV1(message: Uint8Array): Promise<void> {
  const parsed = await readMessage({ binaryMessage: message });
  const encrypted = parsed.packets.findPacket(enums.packet.symEncryptedIntegrityProtectedData);
  // `version` is not in openpgp's type declarations; it is the packet's first byte (1 or 2).
  const version = (encrypted as unknown as { version?: number } | undefined)?.version;
  if (version !== 1) {
    throw new AppError(
      'internal',
      'encrypted delivery is not SEIPD v1; GnuPG 2.2 could not read it',
    );
  }
}
