import { AppError } from '@alliage/domain';
import { createCleartextMessage, decryptKey, type PrivateKey, readPrivateKey, sign } from 'openpgp';

export interface SignTextOptions {
  /** The text to sign; every byte of it is covered by the signature (see below). */
  text: string;
  armoredPrivateKey: string;
  /** Unlocks `armoredPrivateKey` when it is passphrase-protected. */
  passphrase?: string;
}

/**
 * Signs `text` as an armoured OpenPGP cleartext-signed message that `gpg --verify`
 * and `verifySignedText` accept (used for signed audit checkpoints).
 *
 * @example
 * const signedMessage = await signText({ text: checkpointJson, armoredPrivateKey, passphrase });
 */
export async function signText(options: SignTextOptions): Promise<string> {
  // Cleartext signatures (RFC 4880 §7.1) ignore trailing spaces and tabs and turn
  // line endings into CRLF, so such text would verify after being altered and come
  // back different from what was signed. Refuse it rather than sign less than given.
  if (options.text.includes('\r')) {
    throw new AppError('validation_failed', 'text to sign contains a carriage return; use \\n');
  }
  if (/[ \t](\n|$)/.test(options.text)) {
    throw new AppError(
      'validation_failed',
      'text to sign has trailing spaces or tabs on a line, which a cleartext signature does not cover',
    );
  }
  const signingKey = await unlockPrivateKey(options.armoredPrivateKey, options.passphrase);
  try {
    return await sign({
      message: await createCleartextMessage({ text: options.text }),
      signingKeys: signingKey,
      format: 'armored',
    });
  } catch (error) {
    throw new AppError('validation_failed', 'PGP private key cannot sign (no valid signing key)', {
      cause: error,
    });
  }
}

async function unlockPrivateKey(
  armoredPrivateKey: string,
  passphrase?: string,
): Promise<PrivateKey> {
  let privateKey: PrivateKey;
  try {
    privateKey = await readPrivateKey({ armoredKey: armoredPrivateKey });
  } catch (error) {
    throw new AppError('validation_failed', 'PGP private key is malformed or not a private key', {
      cause: error,
    });
  }
  if (privateKey.isDecrypted()) return privateKey;
  if (passphrase === undefined) {
    throw new AppError(
      'validation_failed',
      'PGP private key is passphrase-protected; passphrase missing',
    );
  }
  try {
    return await decryptKey({ privateKey, passphrase });
  } catch {
    // No cause: openpgp's message is generic, and nothing about the passphrase may leak.
    throw new AppError('validation_failed', 'PGP private key passphrase is wrong');
  }
}
