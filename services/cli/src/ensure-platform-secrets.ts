import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import {
  generateSecret,
  generateSshHostKey,
  inspectPgpPublicKey,
  sshPublicKeyFromPrivate,
} from '@alliage/crypto';
import { AppError, isAppError } from '@alliage/domain';
import * as openpgp from 'openpgp';
import {
  checkPlatformKeyPassphrase,
  ensurePlatformPgpKey,
  PLATFORM_PGP_FILES,
} from './ensure-platform-pgp-key.ts';
import { formatMode, logSecretWarning, type TSecretWarn } from './log-secret-warning.ts';
import { readSecretFile } from './read-secret-file.ts';
import { removeStaleSecretTemporaries } from './remove-stale-secret-temporaries.ts';
import { writeSecretFile } from './write-secret-file.ts';

/** The platform's own secrets, from the environment or generated into the data directory. */
export interface TPlatformSecrets {
  pgp: {
    armoredPrivateKey: string;
    armoredPublicKey: string;
    passphrase?: string;
    fingerprint: string;
  };
  sshHostKey: string;
  /** The SSH client key the platform logs in with to members' own servers (pull mode). */
  sshClientKey: string;
  hmacSecret: string;
  poolEncryptionKey: string;
  /** Which secrets were generated on this start (names only). */
  generated: string[];
}

const SECRET_FILES = {
  sshHost: 'ssh_host_ed25519_key',
  sshClient: 'ssh_client_ed25519_key',
  hmac: 'hmac.secret',
  pool: 'pool.key',
} as const;

/**
 * Returns the platform secrets. A secret set in the environment wins; otherwise
 * embedded mode generates it once into `<dataDir>/secrets` (0700 directory, 0600
 * files) and reuses it on every later start. Loosened permissions are tightened
 * with a warning (`warn`, stderr by default); a secret that existing data depends
 * on is never replaced by a new one (see docs/operations.md).
 *
 * @example
 * const secrets = await ensurePlatformSecrets(config);
 */
export async function ensurePlatformSecrets(
  config: TConfig,
  options: { warn?: TSecretWarn } = {},
): Promise<TPlatformSecrets> {
  const warn = options.warn ?? logSecretWarning;
  const dir = path.join(config.dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dirMode = statSync(dir).mode;
  if ((dirMode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    warn({
      file: 'secrets',
      mode: formatMode(dirMode),
      message: 'secrets directory permissions were loosened: tightened to 0700',
    });
  }
  removeStaleSecretTemporaries(dir, { warn });
  // Decided before anything is generated: a missing secret then is a lost one, not a first start.
  const existingPlatform = holdsPlatform(config.dataDir);
  if (!config.secrets.hmacSecret && existingPlatform) refuseLostHmacSecret(dir);
  const generated: string[] = [];
  const created = (name: string, file: string) => {
    generated.push(name);
    // Not a first start: a new key changes what members and the pool see, so say it loudly.
    if (existingPlatform)
      warn({ file, message: 'a new secret was generated for an existing platform' });
  };

  let armoredPrivateKey = config.secrets.pgpPrivateKey;
  let armoredPublicKey: string;
  if (armoredPrivateKey) {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey }).catch(() => {
      // No cause: the variable's content may not reach a log.
      throw new AppError(
        'validation_failed',
        'ALLIAGE_PGP_PRIVATE_KEY is not an armoured OpenPGP private key',
      );
    });
    await checkPlatformKeyPassphrase(privateKey, config.secrets.pgpPassphrase, warn, {
      fromEnvironment: true,
    });
    armoredPublicKey = privateKey.toPublic().armor();
  } else {
    const pair = await ensurePlatformPgpKey(dir, {
      warn,
      passphrase: config.secrets.pgpPassphrase,
    });
    ({ armoredPrivateKey, armoredPublicKey } = pair);
    if (pair.generated) created('pgp', PLATFORM_PGP_FILES.privateKey);
  }
  const { fingerprint } = await inspectPgpPublicKey(armoredPublicKey);

  const readOrCreate = (file: string, name: string, create: () => string): string => {
    const filePath = path.join(dir, file);
    if (!existsSync(filePath) && writeSecretFile(filePath, create())) created(name, file);
    return readSecretFile(filePath, { warn });
  };
  // Keys given in the environment are parsed now, so a bad one stops the start naming its
  // variable rather than failing at the first SFTP login or pull.
  for (const [variable, key] of [
    ['ALLIAGE_SSH_HOST_KEY', config.secrets.sshHostKey],
    ['ALLIAGE_SSH_CLIENT_KEY', config.secrets.sshClientKey],
  ] as const) {
    if (key === null) continue;
    try {
      sshPublicKeyFromPrivate(key);
    } catch (error) {
      // The reason only (malformed, passphrase-protected): never the variable's content.
      throw new AppError(
        'validation_failed',
        `${variable}: ${isAppError(error) ? error.message : 'SSH private key is malformed'}`,
      );
    }
  }
  const sshHostKey =
    config.secrets.sshHostKey ??
    readOrCreate(SECRET_FILES.sshHost, 'ssh-host-key', generateSshHostKey);
  // Not the host key: a member authorises this one on its server, and rotating either
  // must not disturb the other.
  const sshClientKey =
    config.secrets.sshClientKey ??
    readOrCreate(SECRET_FILES.sshClient, 'ssh-client-key', generateSshHostKey);
  const hmacSecret =
    config.secrets.hmacSecret ?? readOrCreate(SECRET_FILES.hmac, 'hmac', () => generateSecret(32));
  const poolEncryptionKey =
    config.secrets.poolEncryptionKey ??
    readOrCreate(SECRET_FILES.pool, 'pool-encryption-key', () => generateSecret(32));

  return {
    pgp: {
      armoredPrivateKey,
      armoredPublicKey,
      fingerprint,
      ...(config.secrets.pgpPassphrase ? { passphrase: config.secrets.pgpPassphrase } : {}),
    },
    sshHostKey,
    sshClientKey,
    hmacSecret,
    poolEncryptionKey,
    generated,
  };
}

/** Whether the data directory already holds a control plane or a pool (not a first start). */
function holdsPlatform(dataDir: string): boolean {
  return (
    existsSync(path.join(dataDir, 'pglite')) ||
    existsSync(path.join(dataDir, 'pool', 'pool.duckdb'))
  );
}

/**
 * Every repoussoir hash and every delivery's draws derive from the HMAC secret: a new
 * one would silently let opted-out people through, so a lost one stops the start.
 */
function refuseLostHmacSecret(dir: string): void {
  if (existsSync(path.join(dir, SECRET_FILES.hmac))) return;
  throw new AppError(
    'conflict',
    `secrets/${SECRET_FILES.hmac} is missing but this data directory already holds a platform, ` +
      'whose repoussoir entries depend on it: restore it from the backup (or set ALLIAGE_HMAC_SECRET to it). ' +
      'Only if it is lost for good, create a new one as docs/operations.md says and import the repoussoir again',
  );
}
