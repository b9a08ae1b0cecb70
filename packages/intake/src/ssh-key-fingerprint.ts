import { createHash } from 'node:crypto';

/**
 * The SHA-256 fingerprint of a raw SSH public key blob (what an SSH client is shown
 * of the server's host key), written as `ssh-keygen -lf` prints it.
 *
 * @example
 * sshKeyFingerprint(hostKeyBlob) // 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
 */
export function sshKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}
