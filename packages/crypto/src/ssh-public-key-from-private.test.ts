import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSshHostKey } from './generate-ssh-host-key.ts';
import { sshPublicKeyFromPrivate } from './ssh-public-key-from-private.ts';
import { createSshKeyDir, hasSshKeygen, type SshKeyDir } from './testing/index.ts';

describe('sshPublicKeyFromPrivate', () => {
  it('gives one "type base64" line', () => {
    expect(sshPublicKeyFromPrivate(generateSshHostKey())).toMatch(
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+$/,
    );
  });

  it('rejects garbage and public keys', () => {
    expect(() => sshPublicKeyFromPrivate('hello')).toThrow('SSH private key is malformed');
    const publicLine = sshPublicKeyFromPrivate(generateSshHostKey());
    expect(() => sshPublicKeyFromPrivate(publicLine)).toThrow(
      'SSH private key expected, got a public key',
    );
  });

  describe.skipIf(!hasSshKeygen)('with keys made by ssh-keygen', () => {
    let keys: SshKeyDir;
    beforeAll(() => {
      keys = createSshKeyDir();
    });
    afterAll(() => keys.close());

    it.each([{ type: 'ed25519' }, { type: 'rsa', bits: 3072 }, { type: 'ecdsa' }])(
      'matches the .pub file of a $type key',
      (options) => {
        const key = keys.generateKey(options);
        const expected = key.publicKeyText.split(' ').slice(0, 2).join(' ');
        expect(sshPublicKeyFromPrivate(readFileSync(key.privateKeyPath, 'utf8'))).toBe(expected);
      },
    );

    it('says when the private key is passphrase-protected', () => {
      const keyPath = path.join(keys.dir, 'protected');
      keys.run([
        '-q',
        '-t',
        'ed25519',
        '-N',
        'test-only passphrase',
        '-C',
        'test-only',
        '-f',
        keyPath,
      ]);
      expect(() => sshPublicKeyFromPrivate(readFileSync(keyPath, 'utf8'))).toThrow(
        'SSH private key is passphrase-protected; give an unencrypted key',
      );
    });
  });
});
