import { existsSync } from 'node:fs';
import path from 'node:path';
import { generatePgpKeyPair } from '@alliage/crypto';
import { AppError } from '@alliage/domain';
import * as openpgp from 'openpgp';
import { logSecretWarning, type TSecretWarn } from './log-secret-warning.ts';
import { readSecretFile } from './read-secret-file.ts';
import { writeSecretFile } from './write-secret-file.ts';

/** The platform key pair's files in the secrets directory. */
export const PLATFORM_PGP_FILES = {
  privateKey: 'platform-pgp.key',
  publicKey: 'platform-pgp.pub',
} as const;

/**
 * Returns the platform PGP key pair of the secrets directory, generating it only
 * when neither file exists — protected with `passphrase` (ALLIAGE_PGP_PASSPHRASE)
 * when one is configured. The private key is the truth and is never replaced:
 * files members encrypted to it must stay readable. A missing or different public
 * file is written again from it; a public file without its private key stops the
 * start, since generating a pair would silently swap the key members encrypt to. A
 * protected key the passphrase does not unlock stops the start too (else the first
 * delivery or file would fail); a clear key while a passphrase is set is a warning.
 *
 * @example
 * const { armoredPrivateKey, armoredPublicKey } = await ensurePlatformPgpKey('/var/lib/alliage/secrets', { passphrase });
 */
export async function ensurePlatformPgpKey(
  directory: string,
  options: { warn?: TSecretWarn; passphrase?: string | null } = {},
): Promise<{ armoredPrivateKey: string; armoredPublicKey: string; generated: boolean }> {
  const warn = options.warn ?? logSecretWarning;
  const privatePath = path.join(directory, PLATFORM_PGP_FILES.privateKey);
  const publicPath = path.join(directory, PLATFORM_PGP_FILES.publicKey);
  let generated = false;
  if (!existsSync(privatePath)) {
    if (existsSync(publicPath)) {
      throw new AppError(
        'conflict',
        `secrets/${PLATFORM_PGP_FILES.publicKey} exists without secrets/${PLATFORM_PGP_FILES.privateKey}: ` +
          'restore the private key from a backup (a rotation interrupted under an earlier version may have left it in secrets/previous-pgp/). ' +
          `Only if it is lost for good, delete ${PLATFORM_PGP_FILES.publicKey} to generate a new pair: ` +
          'files already encrypted to the old key can then no longer be read (docs/operations.md)',
      );
    }
    const pair = await generatePgpKeyPair({
      name: 'Alliage platform',
      email: 'platform@alliage.invalid',
      ...(options.passphrase ? { passphrase: options.passphrase } : {}),
    });
    // False when another process created it first: its key is the one to use.
    generated = writeSecretFile(privatePath, pair.armoredPrivateKey);
  }
  const armoredPrivateKey = readSecretFile(privatePath, { warn });
  const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  await checkPlatformKeyPassphrase(privateKey, options.passphrase ?? null, warn);
  const armoredPublicKey = privateKey.toPublic().armor();
  const stored = existsSync(publicPath) ? readSecretFile(publicPath, { warn }) : null;
  if (stored !== armoredPublicKey) {
    writeSecretFile(publicPath, armoredPublicKey, { replace: true });
    if (!generated) {
      warn({
        file: PLATFORM_PGP_FILES.publicKey,
        message:
          stored === null
            ? 'the platform public key file was missing: written again from the private key'
            : 'the platform public key file did not match the private key: written again from it',
      });
    }
  }
  return { armoredPrivateKey, armoredPublicKey, generated };
}

/**
 * Stops the start unless the configured passphrase unlocks the platform's private key (see
 * ensurePlatformPgpKey), whether it comes from the data directory or, with `fromEnvironment`,
 * from ALLIAGE_PGP_PRIVATE_KEY: else the first delivery, file or checkpoint would fail.
 */
export async function checkPlatformKeyPassphrase(
  privateKey: openpgp.PrivateKey,
  passphrase: string | null,
  warn: TSecretWarn,
  options: { fromEnvironment?: boolean } = {},
): Promise<void> {
  const file = options.fromEnvironment
    ? 'ALLIAGE_PGP_PRIVATE_KEY'
    : `secrets/${PLATFORM_PGP_FILES.privateKey}`;
  if (privateKey.isDecrypted()) {
    if (passphrase) {
      warn({
        file: options.fromEnvironment ? file : PLATFORM_PGP_FILES.privateKey,
        message: options.fromEnvironment
          ? 'ALLIAGE_PGP_PRIVATE_KEY is not protected by ALLIAGE_PGP_PASSPHRASE: protect it where that variable is managed'
          : 'the platform private key is not protected by ALLIAGE_PGP_PASSPHRASE (it was generated without it): ' +
            'rotate it (alliage platform rotate-pgp-key) to get a protected key',
      });
    }
    return;
  }
  if (!passphrase) {
    throw new AppError(
      'conflict',
      `${file} is protected by a passphrase: set ALLIAGE_PGP_PASSPHRASE to it`,
    );
  }
  try {
    await openpgp.decryptKey({ privateKey, passphrase });
  } catch {
    // No cause: nothing about the passphrase may reach a log.
    throw new AppError('conflict', `ALLIAGE_PGP_PASSPHRASE does not unlock ${file}`);
  }
}
