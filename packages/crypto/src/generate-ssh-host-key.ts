import ssh2 from 'ssh2';
import { sshPublicKeyFromPrivate } from './ssh-public-key-from-private.ts';

const MAX_ATTEMPTS = 8;

/**
 * Generates an Ed25519 SSH key (host key of the SFTP service, client key of pull
 * mode), returned as an unencrypted OpenSSH private key; store it 0600.
 *
 * ssh2's generator drops the first byte of a public key that starts with 0x00
 * (about one key in 256) and writes a key nothing can parse back; such a key is
 * discarded and another made, so a data directory never holds an unusable key.
 *
 * @example
 * const hostKey = generateSshHostKey();
 */
export function generateSshHostKey(): string {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    try {
      sshPublicKeyFromPrivate(key);
      return key;
    } catch {
      // unreadable (see above): make another
    }
  }
  throw new Error(`no readable SSH key after ${MAX_ATTEMPTS} attempts`);
}
