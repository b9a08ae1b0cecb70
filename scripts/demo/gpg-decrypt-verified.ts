import { execFile } from 'node:child_process';

/** The outcome of a verified decryption: who signed, by GnuPG's status lines. */
export interface TGpgDecryption {
  /** Fingerprints named by VALIDSIG: the signing (sub)key and its primary key. */
  signerFingerprints: string[];
}

/**
 * Decrypts `inFile` to `outFile` with the real `gpg` (the recipient's secret key in
 * `homedir`) and requires a valid signature by `expectedSigner` (a primary or
 * signing-subkey fingerprint); throws otherwise.
 *
 * @example
 * await gpgDecryptVerified({ homedir: gpg.dir, inFile: 'd.csv.gpg', outFile: 'd.csv', expectedSigner: platformFingerprint });
 */
export function gpgDecryptVerified(options: {
  homedir: string;
  inFile: string;
  outFile: string;
  expectedSigner: string;
}): Promise<TGpgDecryption> {
  return new Promise((resolve, reject) => {
    execFile(
      'gpg',
      [
        ...['--batch', '--yes', '--homedir', options.homedir, '--trust-model', 'always'],
        ...['--status-fd', '1', '--output', options.outFile, '--decrypt', options.inFile],
      ],
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`gpg could not decrypt and verify: ${stderr.trim().slice(-500)}`));
          return;
        }
        const signerFingerprints = stdout
          .split('\n')
          .filter((line) => line.startsWith('[GNUPG:] VALIDSIG '))
          .flatMap((line) => {
            const fields = line.split(' ');
            // VALIDSIG <signing key fpr> <date> ... <primary key fpr> (the last field).
            return [fields[2] ?? '', fields.at(-1) ?? ''];
          })
          .filter((fingerprint) => /^[0-9A-F]{40,64}$/.test(fingerprint));
        const expected = options.expectedSigner.toUpperCase();
        if (!signerFingerprints.includes(expected)) {
          reject(
            new Error(
              `the file is not signed by ${expected} (valid signatures: ${signerFingerprints.join(', ') || 'none'})`,
            ),
          );
          return;
        }
        resolve({ signerFingerprints });
      },
    );
  });
}
