import { AppError } from '@alliage/domain';
import ssh2 from 'ssh2';

/**
 * The OpenSSH public key line ('ssh-ed25519 AAAA...', no comment) of an unencrypted
 * SSH private key, e.g. to publish the SFTP host key for known_hosts.
 *
 * @example
 * sshPublicKeyFromPrivate(generateSshHostKey()) // 'ssh-ed25519 AAAAC3Nza...'
 */
export function sshPublicKeyFromPrivate(privateKeyText: string): string {
  const parsed = ssh2.utils.parseKey(privateKeyText);
  if (parsed instanceof Error) {
    const encrypted = /encrypted/i.test(parsed.message);
    throw new AppError(
      'validation_failed',
      encrypted
        ? 'SSH private key is passphrase-protected; give an unencrypted key'
        : 'SSH private key is malformed',
      { cause: parsed },
    );
  }
  // An OpenSSH private key file may hold several keys; ssh2 then returns them all.
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length !== 1) {
    throw new AppError('validation_failed', `SSH private key holds ${keys.length} keys; give one`);
  }
  const key = keys[0]!;
  if (!key.isPrivateKey()) {
    throw new AppError('validation_failed', 'SSH private key expected, got a public key');
  }
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
