import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { TConfig } from '@alliage/config';
import {
  generatePgpKeyPair,
  generateSecret,
  generateSshHostKey,
  inspectPgpPublicKey,
} from '@alliage/crypto';
import * as openpgp from 'openpgp';

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
  pgpPrivate: 'platform-pgp.key',
  pgpPublic: 'platform-pgp.pub',
  sshHost: 'ssh_host_ed25519_key',
  sshClient: 'ssh_client_ed25519_key',
  hmac: 'hmac.secret',
  pool: 'pool.key',
} as const;

/**
 * Returns the platform secrets. A secret set in the environment wins; otherwise
 * embedded mode generates it once into `<dataDir>/secrets` (0700 directory, 0600
 * files) and reuses it on every later start.
 *
 * @example
 * const secrets = await ensurePlatformSecrets(config);
 */
export async function ensurePlatformSecrets(config: TConfig): Promise<TPlatformSecrets> {
  const dir = path.join(config.dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const generated: string[] = [];

  let armoredPrivateKey = config.secrets.pgpPrivateKey;
  let armoredPublicKey: string;
  if (armoredPrivateKey) {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
    armoredPublicKey = privateKey.toPublic().armor();
  } else {
    const privatePath = path.join(dir, SECRET_FILES.pgpPrivate);
    const publicPath = path.join(dir, SECRET_FILES.pgpPublic);
    if (!existsSync(privatePath) || !existsSync(publicPath)) {
      const pair = await generatePgpKeyPair({
        name: 'Alliage platform',
        email: 'platform@alliage.invalid',
      });
      writeSecretFile(privatePath, pair.armoredPrivateKey);
      writeSecretFile(publicPath, pair.armoredPublicKey);
      generated.push('pgp');
    }
    armoredPrivateKey = readSecretFile(privatePath);
    armoredPublicKey = readSecretFile(publicPath);
  }
  const { fingerprint } = await inspectPgpPublicKey(armoredPublicKey);

  const sshHostKey =
    config.secrets.sshHostKey ??
    readOrCreate(path.join(dir, SECRET_FILES.sshHost), () => {
      generated.push('ssh-host-key');
      return generateSshHostKey();
    });
  // Not the host key: a member authorises this one on its server, and rotating either
  // must not disturb the other.
  const sshClientKey =
    config.secrets.sshClientKey ??
    readOrCreate(path.join(dir, SECRET_FILES.sshClient), () => {
      generated.push('ssh-client-key');
      return generateSshHostKey();
    });
  const hmacSecret =
    config.secrets.hmacSecret ??
    readOrCreate(path.join(dir, SECRET_FILES.hmac), () => {
      generated.push('hmac');
      return generateSecret(32);
    });
  const poolEncryptionKey =
    config.secrets.poolEncryptionKey ??
    readOrCreate(path.join(dir, SECRET_FILES.pool), () => {
      generated.push('pool-encryption-key');
      return generateSecret(32);
    });

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

function readOrCreate(file: string, create: () => string): string {
  if (!existsSync(file)) writeSecretFile(file, create());
  return readSecretFile(file);
}

/** Writes via a temporary name so a crash never leaves a half-written secret. */
function writeSecretFile(file: string, content: string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

function readSecretFile(file: string): string {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    // Someone loosened the permissions: tighten them rather than serve a readable secret.
    chmodSync(file, 0o600);
  }
  return readFileSync(file, 'utf8');
}
