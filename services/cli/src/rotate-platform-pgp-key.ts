import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import { generatePgpKeyPair, type TDecryptionKeyInput } from '@alliage/crypto';
import { AppError } from '@alliage/domain';
import * as openpgp from 'openpgp';
import { PLATFORM_PGP_FILES } from './ensure-platform-pgp-key.ts';
import { readSecretFile } from './read-secret-file.ts';
import { writeSecretFile } from './write-secret-file.ts';

const PREVIOUS_DIR = 'previous-pgp';

/**
 * Replaces the platform PGP key pair in the data directory. The old pair moves to
 * `secrets/previous-pgp/<fingerprint>.key|.pub` and stays usable for decryption, so
 * files members encrypted to it before they fetched the new key are still read. The new
 * private key is protected by ALLIAGE_PGP_PASSPHRASE when one is set.
 */
export async function rotatePlatformPgpKey(
  config: TConfig,
): Promise<{ previousFingerprint: string; fingerprint: string }> {
  if (config.secrets.pgpPrivateKey) {
    throw new AppError(
      'conflict',
      'the platform key comes from ALLIAGE_PGP_PRIVATE_KEY: rotate it where that variable is managed',
    );
  }
  const dir = path.join(config.dataDir, 'secrets');
  const privatePath = path.join(dir, PLATFORM_PGP_FILES.privateKey);
  const publicPath = path.join(dir, PLATFORM_PGP_FILES.publicKey);
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    throw new AppError(
      'not_found',
      'no platform key in the data directory yet: start the platform once first',
    );
  }
  // The private key, not the public file, says which key is in use.
  const previousFingerprint = (
    await openpgp.readPrivateKey({ armoredKey: readSecretFile(privatePath) })
  )
    .getFingerprint()
    .toUpperCase();
  // Protected like the key it replaces would be at generation (ensurePlatformPgpKey).
  const passphrase = config.secrets.pgpPassphrase;
  const pair = await generatePgpKeyPair({
    name: 'Alliage platform',
    email: 'platform@alliage.invalid',
    ...(passphrase ? { passphrase } : {}),
  });
  const previousDir = path.join(dir, PREVIOUS_DIR);
  mkdirSync(previousDir, { recursive: true, mode: 0o700 });
  // Public file first: interrupted after it, the old private key is still in place and
  // the next start writes its public file again; interrupted after both, the next start
  // generates a pair and the old key is already kept.
  renameSync(publicPath, path.join(previousDir, `${previousFingerprint}.pub`));
  renameSync(privatePath, path.join(previousDir, `${previousFingerprint}.key`));
  if (
    !writeSecretFile(privatePath, pair.armoredPrivateKey) ||
    !writeSecretFile(publicPath, pair.armoredPublicKey)
  ) {
    throw new AppError('conflict', 'another process wrote a platform key during the rotation');
  }
  return { previousFingerprint, fingerprint: pair.fingerprint };
}

/**
 * The platform's previous public keys (armoured), kept by rotations: audit checkpoints
 * signed before a rotation still verify with them.
 */
export function readPreviousPgpPublicKeys(dataDir: string): string[] {
  return readPreviousKeyFiles(dataDir, '.pub');
}

/** The platform's previous private keys kept for decryption after rotations, newest file first. */
export function readPreviousPgpKeys(
  dataDir: string,
  passphrase: string | null,
): TDecryptionKeyInput[] {
  return readPreviousKeyFiles(dataDir, '.key').map((armoredPrivateKey) => ({
    armoredPrivateKey,
    ...(passphrase ? { passphrase } : {}),
  }));
}

/** The contents of the rotated-out key files ending in `extension`. */
function readPreviousKeyFiles(dataDir: string, extension: '.key' | '.pub'): string[] {
  const previousDir = path.join(dataDir, 'secrets', PREVIOUS_DIR);
  if (!existsSync(previousDir)) return [];
  return readdirSync(previousDir)
    .filter((name) => name.endsWith(extension))
    .map((name) => readSecretFile(path.join(previousDir, name)));
}
