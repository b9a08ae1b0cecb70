import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** True when an `ssh-keygen` binary runs on this machine (tests that need it skip otherwise). */
export const hasSshKeygen =
  spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

export interface GenerateSshKeyOptions {
  /** ssh-keygen -t: 'ed25519', 'rsa', 'ecdsa', 'dsa'. */
  type: string;
  /** ssh-keygen -b, when the type takes one. */
  bits?: number;
}

export interface TSshKeygenKey {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The .pub file as ssh-keygen wrote it. */
  publicKeyText: string;
}

/** A throw-away directory of keys made by the real `ssh-keygen`; all test-only. */
export interface SshKeyDir {
  dir: string;
  /** Runs `ssh-keygen ...args` and returns its stdout. */
  run(args: string[]): string;
  /** Makes a passphrase-less key commented 'test-only-N@alliage.invalid'. */
  generateKey(options: GenerateSshKeyOptions): TSshKeygenKey;
  /** The 'SHA256:...' fingerprint `ssh-keygen -lf` prints for a key file. */
  fingerprintOf(keyPath: string): string;
  close(): void;
}

/**
 * Creates a temporary directory for ssh-keygen-made test keys.
 *
 * @example
 * const keys = createSshKeyDir();
 * const { publicKeyText } = keys.generateKey({ type: 'ed25519' });
 * keys.close();
 */
export function createSshKeyDir(): SshKeyDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssh-keys-'));
  let keyCount = 0;
  const run = (args: string[]): string => {
    const result = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`ssh-keygen ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
    return result.stdout;
  };
  const generateKey = (options: GenerateSshKeyOptions): TSshKeygenKey => {
    keyCount += 1;
    const privateKeyPath = path.join(dir, `key-${keyCount}`);
    const comment = `test-only-${keyCount}@alliage.invalid`;
    const bitsArgs = options.bits === undefined ? [] : ['-b', String(options.bits)];
    run(['-q', '-t', options.type, ...bitsArgs, '-N', '', '-C', comment, '-f', privateKeyPath]);
    const publicKeyPath = `${privateKeyPath}.pub`;
    return { privateKeyPath, publicKeyPath, publicKeyText: readFileSync(publicKeyPath, 'utf8') };
  };
  const fingerprintOf = (keyPath: string): string => {
    const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(run(['-lf', keyPath]))?.[0];
    if (!fingerprint) throw new Error(`ssh-keygen printed no fingerprint for ${keyPath}`);
    return fingerprint;
  };
  return {
    dir,
    run,
    generateKey,
    fingerprintOf,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
