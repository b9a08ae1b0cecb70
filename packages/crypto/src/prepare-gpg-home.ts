import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '@alliage/domain';
import { encryptKey, enums, type PrivateKey, type PublicKey } from 'openpgp';
import type { TGpgInstallation } from './detect-gpg.ts';
import { currentGpgHomeOwner, gpgHomePrefix } from './gpg-home-owner.ts';

const execFileAsync = promisify(execFile);

/** A throw-away GNUPGHOME holding the platform keys for one decryption. */
export interface TGpgSessionHome {
  dir: string;
  /** Random per home; protects the secret keys it holds, never written anywhere. */
  passphrase: string;
  /** Options every gpg call on this home starts with. */
  baseArgs: string[];
  /** Stops its gpg-agent (which caches unlocked keys) and deletes the directory. */
  dispose(): Promise<void>;
}

export interface PrepareGpgHomeOptions {
  gpg: TGpgInstallation;
  /** Unlocked platform keys. */
  decryptionKeys: PrivateKey[];
  signerKeys: PublicKey[];
}

/**
 * Creates a 0700 GNUPGHOME under the OS temp dir and imports the platform secret keys
 * and the member's public keys. Secret keys go in re-protected with a random
 * passphrase held in memory only: the copy gpg-agent writes to disk is useless even
 * if a crash leaves the directory behind, and keys with different passphrases
 * (rotation) unlock with one `--passphrase-fd`.
 *
 * @example
 * const home = await prepareGpgHome({ gpg, decryptionKeys, signerKeys });
 * try { ... } finally { await home.dispose(); }
 */
export async function prepareGpgHome(options: PrepareGpgHomeOptions): Promise<TGpgSessionHome> {
  const passphrase = randomBytes(32).toString('base64url');
  // A short path: gpg-agent's socket path must stay under the 108-byte limit. The owner
  // in the name lets sweepOrphanGpgHomes remove it if this process dies before dispose.
  const dir = await mkdtemp(path.join(tmpdir(), gpgHomePrefix(currentGpgHomeOwner())));
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await execFileAsync(options.gpg.gpgconfPath, ['--homedir', dir, '--kill', 'gpg-agent'], {
      timeout: 10_000,
    }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const baseArgs = ['--homedir', dir, '--batch', '--no-tty', '--no-options'];
  try {
    await chmod(dir, 0o700);
    // Without it the agent calibrates and applies a ~100 ms key-stretching count at
    // each unlock (over a second per file); the random passphrase needs none.
    await writeFile(path.join(dir, 'gpg-agent.conf'), 's2k-count 65536\n', { mode: 0o600 });
    const secretKeys = await Promise.all(
      options.decryptionKeys.map(async (privateKey) => {
        const protectedKey = await encryptKey({
          privateKey,
          passphrase,
          // The passphrase is 256 random bits: key stretching would add time, not safety.
          // GnuPG 2.2 reads neither AEAD nor Argon2 key protection.
          config: { s2kType: enums.s2k.iterated, s2kIterationCountByte: 0, aeadProtect: false },
        });
        return protectedKey.armor();
      }),
    );
    const publicKeys = options.signerKeys.map((key) => key.armor());
    await runGpgImport(
      options.gpg.gpgPath,
      [...baseArgs, '--import'],
      [...secretKeys, ...publicKeys].join('\n'),
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return { dir, passphrase, baseArgs, dispose };
}

function runGpgImport(gpgPath: string, args: string[], armoredKeys: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // stderr is not kept: its messages quote the keys' user IDs (names, emails).
    const child = spawn(gpgPath, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('error', (error) => {
      reject(
        new AppError('unavailable', 'gpg could not be started', { retry: true, cause: error }),
      );
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new AppError('internal', `gpg could not import the keys (exit ${code})`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(armoredKeys);
  });
}
