import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import { generateSecret, generateSshHostKey, inspectPgpPublicKey } from '@alliage/crypto';
import * as openpgp from 'openpgp';
import { ensurePlatformPgpKey } from './ensure-platform-pgp-key.ts';
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
  const generated: string[] = [];

  let armoredPrivateKey = config.secrets.pgpPrivateKey;
  let armoredPublicKey: string;
  if (armoredPrivateKey) {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
    armoredPublicKey = privateKey.toPublic().armor();
  } else {
    const pair = await ensurePlatformPgpKey(dir, { warn });
    ({ armoredPrivateKey, armoredPublicKey } = pair);
    if (pair.generated) generated.push('pgp');
  }
  const { fingerprint } = await inspectPgpPublicKey(armoredPublicKey);

  const readOrCreate = (file: string, name: string, create: () => string): string => {
    const filePath = path.join(dir, file);
    if (!existsSync(filePath) && writeSecretFile(filePath, create())) generated.push(name);
    return readSecretFile(filePath, { warn });
  };
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
