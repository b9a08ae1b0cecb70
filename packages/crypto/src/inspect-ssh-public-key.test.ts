import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSshPublicKey } from './inspect-ssh-public-key.ts';
import {
  createSshKeyDir,
  hasSshKeygen,
  type SshKeyDir,
  type TSshKeygenKey,
} from './testing/index.ts';

// A fixed, test-only Ed25519 public key for the cases that need no ssh-keygen.
const ED25519_LINE =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEk4Qqh/AjXh4ugt+w5JBdbzj4c1Zf+n65sP/GEieSgU';

describe('inspectSshPublicKey', () => {
  it('normalises a key line and computes the SHA256 fingerprint', () => {
    const info = inspectSshPublicKey(`\n# test-only key\n  ${ED25519_LINE}   test-only key \n\n`);
    expect(info).toEqual({
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
      algorithm: 'ssh-ed25519',
      bits: 256,
      comment: 'test-only key',
      openssh: ED25519_LINE,
    });
    expect(inspectSshPublicKey(ED25519_LINE).comment).toBeNull();
  });

  it('rejects malformed text', () => {
    const [type, base64] = ED25519_LINE.split(' ') as [string, string];
    const withTrailingBytes = Buffer.concat([Buffer.from(base64, 'base64'), Buffer.from([0])]);
    for (const text of [
      'hello',
      `${type} not*base64`,
      `${type} ${base64.slice(0, 40)}`,
      `ssh-rsa ${base64}`,
      `${type} ${withTrailingBytes.toString('base64')}`,
      `from="10.0.0.1" ${ED25519_LINE}`,
    ]) {
      expect(() => inspectSshPublicKey(text), text).toThrow(
        /^SSH public key (is malformed|has the unsupported type)/,
      );
    }
    expect(() => inspectSshPublicKey('   \n')).toThrow('SSH public key is empty');
  });

  it('rejects more than one key', () => {
    expect(() => inspectSshPublicKey(`${ED25519_LINE} a\n${ED25519_LINE} b\n`)).toThrow(
      'SSH public key holds 2 lines; send exactly one key',
    );
  });

  it('rejects unsupported types without echoing arbitrary input', () => {
    expect(() => inspectSshPublicKey('sk-ssh-ed25519@openssh.com AAAA')).toThrow(
      /unsupported type sk-ssh-ed25519@openssh.com;/,
    );
    expect(() => inspectSshPublicKey('<script> AAAA')).toThrow(
      /^SSH public key has the unsupported type;/,
    );
  });
});

describe.skipIf(!hasSshKeygen)('inspectSshPublicKey with keys made by ssh-keygen', () => {
  let keys: SshKeyDir;
  let made: Record<
    'ed25519' | 'rsa3072' | 'rsa1024' | 'ecdsa256' | 'ecdsa384' | 'dsa',
    TSshKeygenKey
  >;

  beforeAll(() => {
    keys = createSshKeyDir();
    made = {
      ed25519: keys.generateKey({ type: 'ed25519' }),
      rsa3072: keys.generateKey({ type: 'rsa', bits: 3072 }),
      rsa1024: keys.generateKey({ type: 'rsa', bits: 1024 }),
      ecdsa256: keys.generateKey({ type: 'ecdsa' }),
      ecdsa384: keys.generateKey({ type: 'ecdsa', bits: 384 }),
      dsa: keys.generateKey({ type: 'dsa' }),
    };
  });
  afterAll(() => keys.close());

  it.each([
    ['ed25519', 'ssh-ed25519', 256],
    ['rsa3072', 'ssh-rsa', 3072],
    ['ecdsa256', 'ecdsa-sha2-nistp256', 256],
    ['ecdsa384', 'ecdsa-sha2-nistp384', 384],
  ] as const)(
    'accepts %s with the fingerprint and size ssh-keygen -lf prints',
    (name, algorithm, bits) => {
      const key = made[name];
      const info = inspectSshPublicKey(key.publicKeyText);
      const [keygenBits, keygenFingerprint] = keys.run(['-lf', key.publicKeyPath]).split(' ');
      expect(info.fingerprint).toBe(keygenFingerprint);
      expect(info.bits).toBe(Number(keygenBits));
      expect(info).toMatchObject({
        algorithm,
        bits,
        comment: expect.stringMatching(/^test-only-\d+@alliage\.invalid$/),
      });
      expect(info.openssh).toBe(key.publicKeyText.split(' ').slice(0, 2).join(' '));
    },
  );

  it('rejects RSA-1024', () => {
    expect(() => inspectSshPublicKey(made.rsa1024.publicKeyText)).toThrow(
      'SSH public key is RSA-1024; at least 2048 bits are required',
    );
  });

  it('rejects ssh-dss', () => {
    expect(() => inspectSshPublicKey(made.dsa.publicKeyText)).toThrow(/DSA \(ssh-dss\)/);
  });

  it('rejects private keys', () => {
    for (const key of [made.ed25519, made.rsa3072]) {
      expect(() => inspectSshPublicKey(readFileSync(key.privateKeyPath, 'utf8'))).toThrow(
        /is a private key/,
      );
    }
  });

  it('rejects an RFC 4716 export with a hint to convert it', () => {
    const rfc4716 = keys.run(['-e', '-f', made.rsa3072.publicKeyPath]);
    expect(() => inspectSshPublicKey(rfc4716)).toThrow(/RFC 4716 .* ssh-keygen -i/);
  });

  it('rejects an SSH certificate', () => {
    const ca = keys.generateKey({ type: 'ed25519' });
    keys.run([
      '-q',
      '-s',
      ca.privateKeyPath,
      '-I',
      'test-only',
      '-n',
      'test',
      made.ed25519.publicKeyPath,
    ]);
    const certificatePath = path.join(
      keys.dir,
      `${path.basename(made.ed25519.privateKeyPath)}-cert.pub`,
    );
    expect(() => inspectSshPublicKey(readFileSync(certificatePath, 'utf8'))).toThrow(
      /is an SSH certificate/,
    );
  });
});
