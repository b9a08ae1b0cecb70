import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import { generatePgpKeyPair, inspectPgpPublicKey, type TDecryptionKeyInput } from '@alliage/crypto';
import { AppError } from '@alliage/domain';

const CURRENT_PRIVATE = 'platform-pgp.key';
const CURRENT_PUBLIC = 'platform-pgp.pub';
const PREVIOUS_DIR = 'previous-pgp';

/**
 * Replaces the platform PGP key pair in the data directory. The old pair moves to
 * `secrets/previous-pgp/<fingerprint>.key|.pub` and stays usable for decryption, so
 * files members encrypted to it before they fetched the new key are still read.
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
  const privatePath = path.join(dir, CURRENT_PRIVATE);
  const publicPath = path.join(dir, CURRENT_PUBLIC);
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    throw new AppError(
      'not_found',
      'no platform key in the data directory yet: start the platform once first',
    );
  }
  const previousFingerprint = (await inspectPgpPublicKey(readFileSync(publicPath, 'utf8')))
    .fingerprint;
  const pair = await generatePgpKeyPair({
    name: 'Alliage platform',
    email: 'platform@alliage.invalid',
  });
  const previousDir = path.join(dir, PREVIOUS_DIR);
  mkdirSync(previousDir, { recursive: true, mode: 0o700 });
  renameSync(privatePath, path.join(previousDir, `${previousFingerprint}.key`));
  renameSync(publicPath, path.join(previousDir, `${previousFingerprint}.pub`));
  writeFileSync(privatePath, pair.armoredPrivateKey, { mode: 0o600, flag: 'wx' });
  writeFileSync(publicPath, pair.armoredPublicKey, { mode: 0o600, flag: 'wx' });
  return { previousFingerprint, fingerprint: pair.fingerprint };
}

/** The platform's previous private keys kept for decryption after rotations, newest file first. */
export function readPreviousPgpKeys(
  dataDir: string,
  passphrase: string | null,
): TDecryptionKeyInput[] {
  const previousDir = path.join(dataDir, 'secrets', PREVIOUS_DIR);
  if (!existsSync(previousDir)) return [];
  return readdirSync(previousDir)
    .filter((name) => name.endsWith('.key'))
    .map((name) => ({
      armoredPrivateKey: readFileSync(path.join(previousDir, name), 'utf8'),
      ...(passphrase ? { passphrase } : {}),
    }));
}
