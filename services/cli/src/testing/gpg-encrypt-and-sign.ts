import { execFile } from 'node:child_process';
import type { GpgHome } from '@alliage/crypto/testing';

/**
 * Encrypts a clear file to `recipient` and signs it with `signer` using the real
 * `gpg`, as a member would; asynchronous so that a running serve's output keeps
 * draining meanwhile.
 *
 * @example
 * await gpgEncryptAndSign({ gpg, recipient: platformFingerprint, signer, clearFile: 'a.csv', outFile: 'a.csv.pgp' });
 */
export function gpgEncryptAndSign(options: {
  gpg: GpgHome;
  recipient: string;
  signer: string;
  clearFile: string;
  outFile: string;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'gpg',
      [
        ...['--batch', '--yes', '--homedir', options.gpg.dir, '--trust-model', 'always'],
        ...['--encrypt', '--sign', '-r', options.recipient, '-u', options.signer],
        ...['--output', options.outFile, options.clearFile],
      ],
      (error, _stdout, stderr) =>
        error ? reject(new Error(`gpg could not encrypt a test file: ${stderr}`)) : resolve(),
    );
  });
}
