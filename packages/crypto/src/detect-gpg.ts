import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A usable GnuPG on this machine. */
export interface TGpgInstallation {
  gpgPath: string;
  gpgconfPath: string;
  /** As `gpg --version` prints it, e.g. '2.2.40'. */
  version: string;
}

let detection: Promise<TGpgInstallation | undefined> | undefined;

/**
 * Finds GnuPG 2.1 or later (loopback pinentry, `gpgconf --kill`) once per process;
 * undefined when it is missing, so that callers fall back to openpgp.js.
 *
 * @example
 * const gpg = await detectGpg();
 * if (!gpg) console.warn('gpg not found: the openpgp engine will be used');
 */
export function detectGpg(): Promise<TGpgInstallation | undefined> {
  detection ??= probeGpg();
  return detection;
}

async function probeGpg(): Promise<TGpgInstallation | undefined> {
  try {
    const { stdout } = await execFileAsync('gpg', ['--version'], { timeout: 10_000 });
    const version = /^gpg \(GnuPG\) (\d+)\.(\d+)\.(\d+)/m.exec(stdout);
    if (!version) return undefined;
    const [, major = '0', minor = '0'] = version;
    if (Number(major) < 2 || (Number(major) === 2 && Number(minor) < 1)) return undefined;
    await execFileAsync('gpgconf', ['--version'], { timeout: 10_000 });
    return { gpgPath: 'gpg', gpgconfPath: 'gpgconf', version: version[0].split(' ').pop() ?? '' };
  } catch {
    return undefined;
  }
}
