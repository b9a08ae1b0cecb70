import { AppError } from '@alliage/domain';
import { type Key, readCleartextMessage, readKey, verify } from 'openpgp';

export interface VerifySignedTextOptions {
  /** An armoured cleartext-signed message, as `signText` or `gpg --clearsign` make. */
  signedMessage: string;
  /** The keys allowed to have signed it; any one good signature from them suffices. */
  armoredPublicKeys: string[];
}

export interface TVerifiedText {
  /** The signed text, exactly what the signature covers. */
  text: string;
  /** Upper-case fingerprint of the primary key that made the good signature. */
  signerFingerprint: string;
}

const BEGIN_SIGNED_LINE = /^-----BEGIN PGP SIGNED MESSAGE-----$/gm;
const END_SIGNATURE_LINE = /^-----END PGP SIGNATURE-----$/gm;

/**
 * Verifies a cleartext-signed message against trusted public keys and returns the
 * signed text; throws `validation_failed` unless one signature verifies.
 *
 * @example
 * const { text, signerFingerprint } = await verifySignedText({ signedMessage, armoredPublicKeys: [platformKey] });
 */
export async function verifySignedText(options: VerifySignedTextOptions): Promise<TVerifiedText> {
  if (options.armoredPublicKeys.length === 0) {
    throw new AppError('validation_failed', 'signature cannot be checked: no public key given');
  }
  const verificationKeys: Key[] = [];
  for (const [index, armoredKey] of options.armoredPublicKeys.entries()) {
    try {
      verificationKeys.push(await readKey({ armoredKey }));
    } catch (error) {
      throw new AppError('validation_failed', `public key ${index} is malformed`, { cause: error });
    }
  }

  // openpgp skips text around the armour and reads only the first block; a stored
  // checkpoint must not carry unsigned lines that a reader could take for signed ones.
  // (Signed lines starting with dashes are dash-escaped, so they never match.)
  const trimmed = options.signedMessage.trim().replace(/\r\n/g, '\n');
  if (
    !trimmed.startsWith('-----BEGIN PGP SIGNED MESSAGE-----\n') ||
    !trimmed.endsWith('\n-----END PGP SIGNATURE-----') ||
    (trimmed.match(BEGIN_SIGNED_LINE) ?? []).length !== 1 ||
    (trimmed.match(END_SIGNATURE_LINE) ?? []).length !== 1
  ) {
    throw new AppError(
      'validation_failed',
      'signed message is malformed: expected exactly one PGP SIGNED MESSAGE block and nothing else',
    );
  }
  let message: Awaited<ReturnType<typeof readCleartextMessage>>;
  try {
    message = await readCleartextMessage({ cleartextMessage: trimmed });
  } catch (error) {
    throw new AppError('validation_failed', 'signed message is malformed', { cause: error });
  }

  let result: Awaited<ReturnType<typeof verify>>;
  try {
    result = await verify({ message, verificationKeys });
  } catch (error) {
    throw new AppError('validation_failed', 'signature does not verify (unreadable signature)', {
      cause: error,
    });
  }
  for (const signature of result.signatures) {
    try {
      await signature.verified;
    } catch {
      continue;
    }
    const signer = verificationKeys.find((key) => key.getKeys(signature.keyID).length > 0);
    if (signer) {
      return { text: result.data, signerFingerprint: signer.getFingerprint().toUpperCase() };
    }
  }
  throw new AppError(
    'validation_failed',
    'signature does not verify against the given public keys (altered text or unknown signer)',
  );
}
