import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** True when a `gpg` binary runs on this machine (tests that need it skip otherwise). */
export const hasGpg = spawnSync('gpg', ['--version'], { stdio: 'ignore' }).status === 0;

export interface GenerateGpgKeyOptions {
  /** gpg algorithm spec of the primary key: 'ed25519', 'rsa3072', 'dsa2048'... */
  algorithm: string;
  /** Usage of the primary key: 'sign', 'cert', 'default'... */
  usage?: string;
  /** Expiry as gpg reads it: '1y', '30d', 'never'. */
  expire?: string;
  /** Algorithm of an encryption subkey to add ('cv25519', 'rsa3072'), if any. */
  encryptionSubkey?: string;
}

/** A throw-away GnuPG home directory: every key made in it is test-only. */
export interface GpgHome {
  dir: string;
  /** Runs `gpg --batch --homedir <dir> ...args` and returns its stdout. */
  run(args: string[], input?: string | Uint8Array): Buffer;
  /** Makes a key with a unique 'Test Only' user ID and returns its fingerprint. */
  generateKey(options: GenerateGpgKeyOptions): string;
  /** The armoured public key of `fingerprint`. */
  exportPublicKey(fingerprint: string): string;
  /** Stops this home's gpg-agent and deletes the directory. */
  close(): void;
}

/**
 * Creates a temporary GNUPGHOME for tests, with no passphrases anywhere.
 *
 * @example
 * const home = createGpgHome();
 * const fingerprint = home.generateKey({ algorithm: 'ed25519', usage: 'sign', expire: '1y', encryptionSubkey: 'cv25519' });
 * home.close();
 */
export function createGpgHome(): GpgHome {
  // A short path: gpg-agent's socket path must stay under the 108-byte limit.
  const dir = mkdtempSync(path.join(tmpdir(), 'gpg-'));
  let keyCount = 0;
  const run = (args: string[], input?: string | Uint8Array): Buffer => {
    const result = spawnSync('gpg', ['--batch', '--homedir', dir, ...args], {
      input,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`gpg ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
    return result.stdout;
  };
  const generateKey = (options: GenerateGpgKeyOptions): string => {
    keyCount += 1;
    const email = `test-only-${keyCount}@example.invalid`;
    const { algorithm, usage = 'default', expire = '1y', encryptionSubkey } = options;
    run([
      '--passphrase',
      '',
      '--quick-gen-key',
      `Test Only ${keyCount} <${email}>`,
      algorithm,
      usage,
      expire,
    ]);
    const listing = run(['--with-colons', '--list-keys', `<${email}>`]).toString('utf8');
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
    if (!fingerprint) throw new Error(`gpg listed no fingerprint for ${email}`);
    if (encryptionSubkey) {
      run(['--passphrase', '', '--quick-add-key', fingerprint, encryptionSubkey, 'encr', expire]);
    }
    return fingerprint;
  };
  return {
    dir,
    run,
    generateKey,
    exportPublicKey: (fingerprint) => run(['--armor', '--export', fingerprint]).toString('utf8'),
    close: () => {
      execFileSync('gpgconf', ['--homedir', dir, '--kill', 'gpg-agent'], { stdio: 'ignore' });
      // The agent may still be removing its sockets as it exits. A removal racing it was
      // seen to stop part-way without an error (a CI run left a home holding test keys),
      // so the folder is removed again until it is gone.
      for (let attempt = 0; attempt < 5 && existsSync(dir); attempt++) {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      }
    },
  };
}
