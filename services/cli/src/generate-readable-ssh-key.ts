import { generateSshHostKey, sshPublicKeyFromPrivate } from '@alliage/crypto';

const MAX_ATTEMPTS = 8;

/**
 * An Ed25519 SSH private key (as `generateSshHostKey` makes) that reads back. The
 * underlying ssh2 generator drops the first byte of a public key starting with 0x00
 * (about one key in 256) and writes a key nothing can parse, which would then sit
 * in the data directory and break every start; such a key is discarded and another
 * made. (The fix belongs in @alliage/crypto's generator; this guards until then.)
 *
 * @example
 * const clientKey = generateReadableSshKey();
 */
export function generateReadableSshKey(): string {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const key = generateSshHostKey();
    try {
      sshPublicKeyFromPrivate(key);
      return key;
    } catch {
      // unreadable: see above, try another
    }
  }
  throw new Error(`no readable SSH key after ${MAX_ATTEMPTS} attempts`);
}
