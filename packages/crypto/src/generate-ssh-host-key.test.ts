import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSshHostKey } from './generate-ssh-host-key.ts';
import { inspectSshPublicKey } from './inspect-ssh-public-key.ts';
import { sshPublicKeyFromPrivate } from './ssh-public-key-from-private.ts';
import { createSshKeyDir, hasSshKeygen, type SshKeyDir } from './testing/index.ts';

describe('generateSshHostKey', () => {
  let keys: SshKeyDir | undefined;
  beforeAll(() => {
    if (hasSshKeygen) keys = createSshKeyDir();
  });
  afterAll(() => keys?.close());

  it('makes an unencrypted OpenSSH Ed25519 private key, new each time', () => {
    const hostKey = generateSshHostKey();
    expect(hostKey).toMatch(
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n?$/,
    );
    const parsed = ssh2.utils.parseKey(hostKey);
    expect(parsed).not.toBeInstanceOf(Error);
    expect(parsed).toMatchObject({ type: 'ssh-ed25519' });
    expect(generateSshHostKey()).not.toBe(hostKey);
  });

  it('only returns keys that read back (ssh2 alone fails about 1 in 256)', () => {
    // Enough draws that an unguarded generator would almost surely (>99%) hand out a bad key.
    for (let draw = 0; draw < 1500; draw += 1) {
      expect(inspectSshPublicKey(sshPublicKeyFromPrivate(generateSshHostKey())).algorithm).toBe(
        'ssh-ed25519',
      );
    }
  });

  it('has a public key that passes SSH key policy', () => {
    const info = inspectSshPublicKey(sshPublicKeyFromPrivate(generateSshHostKey()));
    expect(info).toMatchObject({ algorithm: 'ssh-ed25519', bits: 256, comment: null });
  });

  it.skipIf(!hasSshKeygen)('is read by ssh-keygen, which derives the same public key', () => {
    const hostKey = generateSshHostKey();
    const keyPath = path.join(keys!.dir, 'ssh_host_ed25519_key');
    writeFileSync(keyPath, hostKey, { mode: 0o600 });
    const derived = keys!.run(['-y', '-f', keyPath]).trim().split(' ').slice(0, 2).join(' ');
    expect(sshPublicKeyFromPrivate(hostKey)).toBe(derived);
    expect(keys!.fingerprintOf(keyPath)).toBe(inspectSshPublicKey(derived).fingerprint);
  });
});
