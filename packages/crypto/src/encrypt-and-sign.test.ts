import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decrypt, enums, generateKey, readKey, readMessage, readPrivateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAndSign } from './encrypt-and-sign.ts';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import { createGpgHome, type GpgHome, hasGpg } from './testing/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const PASSPHRASE = 'test-only platform passphrase';
const CSV = new TextEncoder().encode(
  'row_id,civility,first_name,last_name,email\r\nRABCDEFGHJK,MME,Test,Only,test-only@example.invalid\r\n',
);

describe('encryptAndSign', () => {
  let platform: TPgpKeyPair;
  let client: TPgpKeyPair;

  beforeAll(async () => {
    platform = await generatePgpKeyPair({
      name: 'Test Only Platform',
      email: 'platform@example.invalid',
      passphrase: PASSPHRASE,
    });
    client = await generatePgpKeyPair({ name: 'Test Only Client', email: 'c@example.invalid' });
  });

  const encryptTo = (recipientArmoredPublicKey: string, now?: Date) =>
    encryptAndSign({
      data: CSV,
      recipientArmoredPublicKey,
      signingArmoredPrivateKey: platform.armoredPrivateKey,
      passphrase: PASSPHRASE,
      fileName: 'alliage-20260101-abcdef12.csv',
      ...(now === undefined ? {} : { now }),
    });

  it('makes a binary SEIPD v1 message that openpgp decrypts and verifies', async () => {
    const delivery = await encryptTo(client.armoredPublicKey);
    expect(delivery.recipientFingerprint).toBe(client.fingerprint);
    expect(delivery.signerFingerprint).toBe(platform.fingerprint);
    // Binary, not armoured: the first byte is a packet tag, not '-'.
    expect(delivery.message[0]! & 0x80).toBe(0x80);
    const message = await readMessage({ binaryMessage: delivery.message });
    const seipd = message.packets.findPacket(enums.packet.symEncryptedIntegrityProtectedData);
    expect((seipd as unknown as { version: number }).version).toBe(1);

    const { data, signatures, filename } = await decrypt({
      message,
      decryptionKeys: await readPrivateKey({ armoredKey: client.armoredPrivateKey }),
      verificationKeys: await readKey({ armoredKey: platform.armoredPublicKey }),
      format: 'binary',
      expectSigned: true,
    });
    expect(Buffer.from(data)).toEqual(Buffer.from(CSV));
    expect(filename).toBe('alliage-20260101-abcdef12.csv');
    expect(signatures).toHaveLength(1);
  });

  it('stays SEIPD v1 for a recipient key that advertises AEAD (SEIPD v2)', async () => {
    const { publicKey, privateKey } = await generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      subkeys: [{ type: 'ecc', curve: 'curve25519Legacy' }],
      userIDs: [{ name: 'Test Only', email: 'aead@example.invalid' }],
      config: { aeadProtect: true, v6Keys: false },
      format: 'armored',
    });
    const parsedKey = await readKey({ armoredKey: publicKey });
    const selfSignature = (await parsedKey.getPrimaryUser()).selfCertification;
    expect(selfSignature.features![0]! & 0x08).toBe(0x08);

    const delivery = await encryptTo(publicKey);
    const message = await readMessage({ binaryMessage: delivery.message });
    const seipd = message.packets.findPacket(enums.packet.symEncryptedIntegrityProtectedData);
    expect((seipd as unknown as { version: number }).version).toBe(1);
    const { data } = await decrypt({
      message,
      decryptionKeys: await readPrivateKey({ armoredKey: privateKey }),
      format: 'binary',
    });
    expect(Buffer.from(data)).toEqual(Buffer.from(CSV));
  });

  it('refuses a revoked client key, naming its fingerprint', async () => {
    const { privateKey } = await generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Test Only', email: 'revoked@example.invalid' }],
      format: 'object',
    });
    const revoked = (await privateKey.revoke()).toPublic();
    const fingerprint = revoked.getFingerprint().toUpperCase();
    await expect(encryptTo(revoked.armor())).rejects.toMatchObject({
      code: 'validation_failed',
      retry: false,
      message: `client PGP key ${fingerprint} is revoked`,
    });
  });

  it('refuses malformed and private client keys', async () => {
    await expect(encryptTo('not a key')).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'client PGP key is malformed',
    });
    await expect(encryptTo(client.armoredPrivateKey)).rejects.toMatchObject({
      code: 'validation_failed',
      message: `client PGP key ${client.fingerprint} is a private key, not a public key`,
    });
  });

  it('treats a bad platform key as an internal error', async () => {
    const base = {
      data: CSV,
      recipientArmoredPublicKey: client.armoredPublicKey,
      fileName: 'x.csv',
    };
    await expect(
      encryptAndSign({ ...base, signingArmoredPrivateKey: platform.armoredPublicKey }),
    ).rejects.toMatchObject({ code: 'internal', message: /malformed or not a private key/ });
    await expect(
      encryptAndSign({ ...base, signingArmoredPrivateKey: platform.armoredPrivateKey }),
    ).rejects.toMatchObject({ code: 'internal', message: /needs its passphrase/ });
    await expect(
      encryptAndSign({
        ...base,
        signingArmoredPrivateKey: platform.armoredPrivateKey,
        passphrase: 'wrong',
      }),
    ).rejects.toMatchObject({
      code: 'internal',
      message: 'platform signing key: wrong passphrase',
    });
  });
});

describe.skipIf(!hasGpg)('encryptAndSign read by GnuPG', () => {
  let home: GpgHome;
  let platform: TPgpKeyPair;
  const fingerprints: Record<string, string> = {};

  beforeAll(async () => {
    home = createGpgHome();
    platform = await generatePgpKeyPair({
      name: 'Test Only Platform',
      email: 'platform@example.invalid',
      passphrase: PASSPHRASE,
    });
    home.run(['--import'], platform.armoredPublicKey);
    fingerprints.client = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'cv25519',
    });
    fingerprints.rsa = home.generateKey({
      algorithm: 'rsa3072',
      usage: 'sign',
      expire: '1y',
      encryptionSubkey: 'rsa3072',
    });
    fingerprints.shortLived = home.generateKey({
      algorithm: 'ed25519',
      usage: 'sign',
      expire: '2d',
      encryptionSubkey: 'cv25519',
    });
    fingerprints.signOnly = home.generateKey({ algorithm: 'ed25519', usage: 'sign', expire: '1y' });
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
      '2d',
    ]);
  });
  afterAll(() => home.close());

  const encryptFor = (fingerprint: string, data: Uint8Array = CSV, now?: Date) =>
    encryptAndSign({
      data,
      recipientArmoredPublicKey: home.exportPublicKey(fingerprint),
      signingArmoredPrivateKey: platform.armoredPrivateKey,
      passphrase: PASSPHRASE,
      fileName: 'alliage-20260101-abcdef12.csv',
      ...(now === undefined ? {} : { now }),
    });

  /** `gpg --decrypt` as a client would run it; returns the clear bytes and the status lines. */
  const gpgDecrypt = (message: Uint8Array): { clear: Buffer; status: string } => {
    const encryptedPath = path.join(home.dir, 'delivery.csv.gpg');
    const clearPath = path.join(home.dir, 'delivery.csv');
    writeFileSync(encryptedPath, message);
    const status = home
      .run([
        '--yes',
        '--status-fd',
        '1',
        '--trust-model',
        'always',
        '--output',
        clearPath,
        '--decrypt',
        encryptedPath,
      ])
      .toString('utf8');
    return { clear: readFileSync(clearPath), status };
  };

  for (const keyName of ['client', 'rsa']) {
    it(`is decrypted and verified by gpg (${keyName} recipient key)`, async () => {
      const delivery = await encryptFor(fingerprints[keyName]!);
      expect(delivery.recipientFingerprint).toBe(fingerprints[keyName]);
      const { clear, status } = gpgDecrypt(delivery.message);
      expect(clear).toEqual(Buffer.from(CSV));
      expect(status).toMatch(/^\[GNUPG:\] DECRYPTION_OKAY$/m);
      expect(status).toMatch(/^\[GNUPG:\] GOODSIG [0-9A-F]{16} /m);
      expect(status).toContain(`[GNUPG:] VALIDSIG ${platform.fingerprint} `);
      expect(status).not.toMatch(/BADSIG|ERRSIG|DECRYPTION_FAILED/);
    });
  }

  it('shows gpg an MDC-protected (SEIPD v1), zlib-compressed message', async () => {
    const delivery = await encryptFor(fingerprints.client!);
    const encryptedPath = path.join(home.dir, 'packets.gpg');
    writeFileSync(encryptedPath, delivery.message);
    const packets = home.run(['--list-packets', encryptedPath]).toString('utf8');
    expect(packets).toMatch(/:encrypted data packet:\s+length: \w+\s+mdc_method: 2/);
    expect(packets).not.toMatch(/aead/i);
    expect(packets).toMatch(/:compressed packet: algo=2/);
  });

  it('detects a single altered byte', async () => {
    const delivery = await encryptFor(fingerprints.client!);
    const altered = Uint8Array.from(delivery.message);
    altered[altered.length - 30] = altered[altered.length - 30]! ^ 0x01;
    expect(() => gpgDecrypt(altered)).toThrow();
  });

  it('refuses a client key that has expired at `now`', async () => {
    const later = new Date(Date.now() + 5 * DAY_MS);
    await expect(encryptFor(fingerprints.shortLived!, CSV, later)).rejects.toMatchObject({
      code: 'validation_failed',
      retry: false,
      message: `client PGP key ${fingerprints.shortLived} is expired`,
    });
    // The same key today is fine.
    await expect(encryptFor(fingerprints.shortLived!)).resolves.toBeDefined();
  });

  it('refuses a client key with no usable encryption subkey', async () => {
    await expect(encryptFor(fingerprints.signOnly!)).rejects.toMatchObject({
      code: 'validation_failed',
      message: `client PGP key ${fingerprints.signOnly} cannot encrypt`,
    });
    const later = new Date(Date.now() + 5 * DAY_MS);
    await expect(encryptFor(fingerprints.shortSubkey!, CSV, later)).rejects.toMatchObject({
      code: 'validation_failed',
      message: `client PGP key ${fingerprints.shortSubkey} cannot encrypt`,
    });
  });

  // Its speed is the benchmark's (npm run bench), never a test's.
  it('handles a 20 MB delivery (about 100k rows)', async () => {
    const line = 'RABCDEFGHJK,MME,TEST,ONLY,1 RUE DE LA PAIX,,,,,75002 PARIS\r\n';
    const data = new TextEncoder().encode(line.repeat(Math.ceil(20_000_000 / line.length)));
    const delivery = await encryptFor(fingerprints.client!, data);
    const { clear, status } = gpgDecrypt(delivery.message);
    expect(clear.length).toBe(data.length);
    expect(clear.equals(Buffer.from(data))).toBe(true);
    expect(status).toContain(`[GNUPG:] VALIDSIG ${platform.fingerprint} `);
  });
});
