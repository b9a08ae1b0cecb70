import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePgpKeyPair } from './generate-pgp-key-pair.ts';
import { inspectPgpPublicKey } from './inspect-pgp-public-key.ts';
import { createGpgHome, type GpgHome, hasGpg } from './testing/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const TEST_USER = { name: 'Test Only', email: 'test-only@example.invalid' };

describe('inspectPgpPublicKey', () => {
  it('rejects malformed input', async () => {
    for (const input of ['', 'hello', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n']) {
      await expect(inspectPgpPublicKey(input)).rejects.toThrow(/PGP public key is malformed/);
    }
    await expect(inspectPgpPublicKey(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/malformed/),
    });
    const { armoredPublicKey } = await generatePgpKeyPair(TEST_USER);
    const truncated = armoredPublicKey.slice(0, armoredPublicKey.length / 2);
    await expect(inspectPgpPublicKey(truncated)).rejects.toThrow(/malformed/);
  });

  it('rejects a private key and says so', async () => {
    const { armoredPrivateKey } = await generatePgpKeyPair(TEST_USER);
    await expect(inspectPgpPublicKey(armoredPrivateKey)).rejects.toThrow(/is a private key/);
  });

  it('rejects v6 keys, which GnuPG 2.2 cannot read', async () => {
    const { publicKey } = await generateKey({ userIDs: [TEST_USER], config: { v6Keys: true } });
    await expect(inspectPgpPublicKey(publicKey)).rejects.toThrow(/v6 key, which GnuPG 2\.2/);
  });

  it('rejects v4 keys using the RFC 9580 Ed25519/X25519 algorithms', async () => {
    const { publicKey } = await generateKey({ type: 'curve25519', userIDs: [TEST_USER] });
    await expect(inspectPgpPublicKey(publicKey)).rejects.toThrow(/RFC 9580 ed25519 algorithm/);
  });

  it('rejects a revoked key', async () => {
    const { privateKey } = await generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [TEST_USER],
      format: 'object',
    });
    const revoked = await privateKey.revoke();
    await expect(inspectPgpPublicKey(revoked.toPublic().armor())).rejects.toThrow(/is revoked/);
  });
});

describe.skipIf(!hasGpg)('inspectPgpPublicKey with keys made by gpg', () => {
  let home: GpgHome;
  const fingerprints: Record<string, string> = {};

  beforeAll(() => {
    home = createGpgHome();
    fingerprints.ed25519 = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'cv25519',
    });
    fingerprints.rsa3072 = home.generateKey({
      algorithm: 'rsa3072',
      usage: 'sign',
      expire: '2y',
      encryptionSubkey: 'rsa3072',
    });
    fingerprints.rsa1024 = home.generateKey({
      algorithm: 'rsa1024',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'rsa1024',
    });
    fingerprints.signOnly = home.generateKey({ algorithm: 'ed25519', usage: 'sign', expire: '1y' });
    fingerprints.weakSubkey = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'rsa1024',
    });
    fingerprints.dsa1024 = home.generateKey({
      algorithm: 'dsa1024',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'elg2048',
    });
    fingerprints.dsa2048 = home.generateKey({
      algorithm: 'dsa2048',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'elg2048',
    });
    fingerprints.shortSubkey = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
    });
    home.run([
      '--passphrase',
      '',
      '--quick-add-key',
      fingerprints.shortSubkey,
      'cv25519',
      'encr',
      '10d',
    ]);
    fingerprints.revoked = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'cv25519',
    });
    // gpg prefixes its stored revocation certificate with ':' so it is not imported by accident.
    const certificate = readFileSync(
      path.join(home.dir, 'openpgp-revocs.d', `${fingerprints.revoked}.rev`),
      'utf8',
    );
    home.run(['--import'], certificate.replace(/^:-----BEGIN/m, '-----BEGIN'));
  });
  afterAll(() => home.close());

  const exported = (name: string): string => home.exportPublicKey(fingerprints[name]!);

  it('accepts an ed25519/cv25519 key and reports what gpg reports', async () => {
    const info = await inspectPgpPublicKey(exported('ed25519'));
    expect(info).toMatchObject({
      fingerprint: fingerprints.ed25519,
      keyId: fingerprints.ed25519!.slice(-16),
      algorithm: 'eddsa',
      bits: null,
      curve: 'ed25519',
      version: 4,
      userIds: [expect.stringMatching(/^Test Only \d+ <test-only-\d+@example\.invalid>$/)],
    });
    expect(Math.abs(info.expiresAt!.getTime() - (Date.now() + 365 * DAY_MS))).toBeLessThan(
      2 * DAY_MS,
    );
  });

  it('accepts an RSA-3072 key', async () => {
    const info = await inspectPgpPublicKey(exported('rsa3072'));
    expect(info).toMatchObject({
      fingerprint: fingerprints.rsa3072,
      algorithm: 'rsa',
      bits: 3072,
      curve: null,
    });
  });

  it('reads binary keys, and armour read as bytes', async () => {
    const binary = home.run(['--export', fingerprints.ed25519!]);
    expect((await inspectPgpPublicKey(binary)).fingerprint).toBe(fingerprints.ed25519);
    const armouredBytes = new TextEncoder().encode(exported('ed25519'));
    expect((await inspectPgpPublicKey(armouredBytes)).fingerprint).toBe(fingerprints.ed25519);
  });

  it('rejects RSA-1024, as primary or as subkey', async () => {
    await expect(inspectPgpPublicKey(exported('rsa1024'))).rejects.toThrow(
      'PGP public key primary key is RSA-1024; at least 2048 bits are required',
    );
    await expect(inspectPgpPublicKey(exported('weakSubkey'))).rejects.toThrow(/subkey is RSA-1024/);
  });

  it('rejects DSA and ElGamal whatever their size', async () => {
    await expect(inspectPgpPublicKey(exported('dsa1024'))).rejects.toThrow(
      /primary key is DSA-1024/,
    );
    await expect(inspectPgpPublicKey(exported('dsa2048'))).rejects.toThrow(
      /primary key is DSA, which the platform cannot use/,
    );
  });

  it('rejects a key with no encryption-capable subkey, and says so', async () => {
    await expect(inspectPgpPublicKey(exported('signOnly'))).rejects.toThrow(
      /has no valid encryption-capable key or subkey/,
    );
  });

  it('rejects a key revoked with gpg', async () => {
    await expect(inspectPgpPublicKey(exported('revoked'))).rejects.toThrow(
      'PGP public key is revoked',
    );
  });

  it('rejects a key that has expired at `now`', async () => {
    const later = new Date(Date.now() + 400 * DAY_MS);
    await expect(inspectPgpPublicKey(exported('ed25519'), { now: later })).rejects.toThrow(
      /PGP public key expired on \d{4}-\d{2}-\d{2}/,
    );
  });

  it('reports the expiry of the encryption subkey when it comes first', async () => {
    const info = await inspectPgpPublicKey(exported('shortSubkey'));
    expect(Math.abs(info.expiresAt!.getTime() - (Date.now() + 10 * DAY_MS))).toBeLessThan(
      2 * DAY_MS,
    );
    const later = new Date(Date.now() + 20 * DAY_MS);
    await expect(inspectPgpPublicKey(exported('shortSubkey'), { now: later })).rejects.toThrow(
      /has no valid encryption-capable key or subkey/,
    );
  });

  it('rejects more than one key', async () => {
    const both = home
      .run(['--armor', '--export', fingerprints.ed25519!, fingerprints.rsa3072!])
      .toString('utf8');
    await expect(inspectPgpPublicKey(both)).rejects.toThrow(
      'PGP public key holds 2 keys; send exactly one',
    );
  });

  it('rejects a private key exported by gpg', async () => {
    const secret = home
      .run(['--armor', '--export-secret-keys', fingerprints.ed25519!])
      .toString('utf8');
    await expect(inspectPgpPublicKey(secret)).rejects.toThrow(/is a private key/);
    const binarySecret = home.run(['--export-secret-keys', fingerprints.ed25519!]);
    await expect(inspectPgpPublicKey(binarySecret)).rejects.toThrow(/is a private key/);
  });
});
