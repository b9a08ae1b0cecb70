import type { Algorithms } from 'ssh2';

/**
 * Transport algorithms offered by the drop zone, chosen to be Terrapin-safe
 * (CVE-2023-48795) whether or not the client speaks strict KEX:
 *
 * - ssh2 ≥ 1.15 always appends `kex-strict-s-v00@openssh.com` to a server's KEX
 *   offer (lib/server.js) and enforces strict mode when the client offers
 *   `kex-strict-c-v00@openssh.com` (lib/protocol/kex.js: sequence numbers reset on
 *   NEWKEYS, any non-KEX packet before KEXINIT is fatal). OpenSSH ≥ 9.6 (and
 *   distro backports such as Debian 12's 9.2p1-2+deb12u2) and ssh2 clients do.
 * - Older clients cannot negotiate strict KEX, so the ciphers/MACs Terrapin can
 *   exploit are not offered at all: no chacha20-poly1305@openssh.com, no `*-etm`
 *   MACs (CBC-EtM is exploitable, CTR-EtM weakened), no CBC. What remains —
 *   AES-GCM (AEAD) and AES-CTR with encrypt-and-MAC SHA-2 — is not affected by
 *   prefix truncation. Every current OpenSSH, PuTTY, WinSCP and FileZilla supports it.
 * - KEX: curve25519 and NIST ECDH, plus ≥ 2048-bit MODP groups with SHA-2 for old
 *   Java/.NET clients; no SHA-1 KEX, no group-exchange (client-chosen moduli).
 * - Host keys: ssh2 offers each host key's own type; for RSA host keys it still
 *   appends SHA-1 `ssh-rsa` last whatever this list says, so deployments should
 *   use Ed25519 (or ECDSA) host keys. This list only orders RSA's SHA-2 variants.
 * - No compression: nothing to gain on PGP ciphertext, and no inflate bombs.
 */
export const SSH_ALGORITHMS: Algorithms = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
    'diffie-hellman-group14-sha256',
  ],
  cipher: [
    'aes256-gcm@openssh.com',
    'aes128-gcm@openssh.com',
    'aes256-ctr',
    'aes192-ctr',
    'aes128-ctr',
  ],
  hmac: ['hmac-sha2-512', 'hmac-sha2-256'],
  serverHostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ],
  compress: ['none'],
};
