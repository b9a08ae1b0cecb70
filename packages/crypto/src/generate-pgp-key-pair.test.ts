import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readKey, readPrivateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import { inspectPgpPublicKey } from './inspect-pgp-public-key.ts';
import { createGpgHome, type GpgHome, hasGpg } from './testing/index.ts';
import { verifySignedText } from './verify-signed-text.ts';

const PASSPHRASE = 'test-only passphrase';

describe('generatePgpKeyPair', () => {
  let pair: TPgpKeyPair;
  let home: GpgHome | undefined;

  beforeAll(async () => {
    pair = await generatePgpKeyPair({
      name: 'Test Only',
      email: 'test-only@example.invalid',
      passphrase: PASSPHRASE,
    });
    if (hasGpg) home = createGpgHome();
  });
  afterAll(() => home?.close());

  it('makes a v4 Ed25519 primary with a legacy Cv25519 encryption subkey', async () => {
    const publicKey = await readKey({ armoredKey: pair.armoredPublicKey });
    expect(publicKey.keyPacket.version).toBe(4);
    expect(publicKey.getAlgorithmInfo()).toEqual({
      algorithm: 'eddsaLegacy',
      curve: 'ed25519Legacy',
    });
    expect(publicKey.subkeys.map((subkey) => subkey.getAlgorithmInfo())).toEqual([
      { algorithm: 'ecdh', curve: 'curve25519Legacy' },
    ]);
    expect(pair.fingerprint).toBe(publicKey.getFingerprint().toUpperCase());
    expect(pair.fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('passes platform key policy, without expiry', async () => {
    const info = await inspectPgpPublicKey(pair.armoredPublicKey);
    expect(info).toMatchObject({
      fingerprint: pair.fingerprint,
      algorithm: 'eddsa',
      curve: 'ed25519',
      bits: null,
      version: 4,
      expiresAt: null,
      userIds: ['Test Only <test-only@example.invalid>'],
    });
  });

  it('protects the private key with the passphrase', async () => {
    const privateKey = await readPrivateKey({ armoredKey: pair.armoredPrivateKey });
    expect(privateKey.isDecrypted()).toBe(false);
    const unprotected = await generatePgpKeyPair({
      name: 'Test Only',
      email: 'test-only@example.invalid',
    });
    expect(
      (await readPrivateKey({ armoredKey: unprotected.armoredPrivateKey })).isDecrypted(),
    ).toBe(true);
  });

  it.skipIf(!hasGpg)('is imported and listed as ed25519/cv25519 by GnuPG 2.2', () => {
    home!.run(['--import'], pair.armoredPublicKey);
    const listing = home!.run(['--with-colons', '--list-keys', pair.fingerprint]).toString('utf8');
    // Field 4 is the algorithm (22 EdDSA, 18 ECDH), field 17 the curve.
    expect(listing).toMatch(/^pub:[^:]*:255:22:(?:[^:]*:){12}ed25519:/m);
    expect(listing).toMatch(/^sub:[^:]*:255:18:(?:[^:]*:){12}cv25519:/m);
    expect(listing).toContain(`fpr:::::::::${pair.fingerprint}:`);
  });

  it.skipIf(!hasGpg)('gives a private key that GnuPG 2.2 unlocks and signs with', async () => {
    const gpgWithPassphrase = ['--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE];
    home!.run([...gpgWithPassphrase, '--import'], pair.armoredPrivateKey);
    const textFile = path.join(home!.dir, 'checkpoint.txt');
    writeFileSync(textFile, 'test-only checkpoint\n');
    const signedMessage = home!
      .run([
        ...gpgWithPassphrase,
        '--local-user',
        pair.fingerprint,
        '--output',
        '-',
        '--clearsign',
        textFile,
      ])
      .toString('utf8');
    const verified = await verifySignedText({
      signedMessage,
      armoredPublicKeys: [pair.armoredPublicKey],
    });
    expect(verified).toEqual({ text: 'test-only checkpoint', signerFingerprint: pair.fingerprint });
  });

  it('rejects an empty name, a bad email and an empty passphrase', async () => {
    await expect(
      generatePgpKeyPair({ name: ' ', email: 'test-only@example.invalid' }),
    ).rejects.toThrow(/name is empty/);
    await expect(generatePgpKeyPair({ name: 'Test Only', email: 'not an email' })).rejects.toThrow(
      /email is not a valid address/,
    );
    await expect(
      generatePgpKeyPair({ name: 'Test Only', email: 'test-only@example.invalid', passphrase: '' }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
