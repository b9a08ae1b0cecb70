import ssh2 from 'ssh2';

/**
 * Generates an Ed25519 SSH host key, returned as an unencrypted OpenSSH private key
 * ('-----BEGIN OPENSSH PRIVATE KEY-----'); store it 0600.
 *
 * @example
 * const hostKey = generateSshHostKey();
 */
export function generateSshHostKey(): string {
  return ssh2.utils.generateKeyPairSync('ed25519').private;
}
