import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCleartextMessage, generateKey, sign } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import { signText } from './sign-text.ts';
import { createGpgHome, type GpgHome, hasGpg } from './testing/index.ts';
import { verifySignedText } from './verify-signed-text.ts';

const TEXT = 'test-only checkpoint\nseq=7 hash=abc123';

describe('verifySignedText', () => {
  let signer: TPgpKeyPair;
  let other: TPgpKeyPair;
  let signedMessage: string;

  beforeAll(async () => {
    signer = await generatePgpKeyPair({
      name: 'Test Only Signer',
      email: 'test-only@example.invalid',
    });
    other = await generatePgpKeyPair({
      name: 'Test Only Other',
      email: 'test-only@example.invalid',
    });
    signedMessage = await signText({ text: TEXT, armoredPrivateKey: signer.armoredPrivateKey });
  });

  it('returns the text and the signer among several trusted keys', async () => {
    const verified = await verifySignedText({
      signedMessage,
      armoredPublicKeys: [other.armoredPublicKey, signer.armoredPublicKey],
    });
    expect(verified).toEqual({ text: TEXT, signerFingerprint: signer.fingerprint });
  });

  it('fails when one character of the text changes', async () => {
    for (const altered of [
      signedMessage.replace('seq=7', 'seq=8'),
      signedMessage.replace('abc123', 'abc124'),
    ]) {
      await expect(
        verifySignedText({ signedMessage: altered, armoredPublicKeys: [signer.armoredPublicKey] }),
      ).rejects.toMatchObject({
        code: 'validation_failed',
        message: expect.stringMatching(/^signature does not verify/),
      });
    }
  });

  it('still verifies once the signing key has expired (old audit checkpoints)', async () => {
    const signedAt = new Date(Date.now() - 10 * 24 * 60 * 60 * 1000);
    const { privateKey, publicKey } = await generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'Test Only', email: 'test-only@example.invalid' }],
      date: signedAt,
      keyExpirationTime: 24 * 60 * 60,
      format: 'object',
    });
    const oldCheckpoint = await sign({
      message: await createCleartextMessage({ text: TEXT }),
      signingKeys: privateKey,
      date: signedAt,
    });
    const verified = await verifySignedText({
      signedMessage: oldCheckpoint,
      armoredPublicKeys: [publicKey.armor()],
    });
    expect(verified.text).toBe(TEXT);
  });

  it('fails for a signer that is not trusted', async () => {
    await expect(
      verifySignedText({ signedMessage, armoredPublicKeys: [other.armoredPublicKey] }),
    ).rejects.toThrow(/^signature does not verify/);
  });

  it('refuses unsigned text around the signed block', async () => {
    for (const wrapped of [
      `seq=999 (unsigned)\n${signedMessage}`,
      `${signedMessage}\nseq=999 (unsigned)\n`,
      `${signedMessage}\n${signedMessage}`,
    ]) {
      await expect(
        verifySignedText({ signedMessage: wrapped, armoredPublicKeys: [signer.armoredPublicKey] }),
      ).rejects.toThrow(/signed message is malformed/);
    }
  });

  it('rejects malformed messages and keys, and an empty key list', async () => {
    await expect(
      verifySignedText({ signedMessage: 'hello', armoredPublicKeys: [signer.armoredPublicKey] }),
    ).rejects.toThrow(/signed message is malformed/);
    await expect(verifySignedText({ signedMessage, armoredPublicKeys: [] })).rejects.toThrow(
      /no public key given/,
    );
    await expect(
      verifySignedText({ signedMessage, armoredPublicKeys: [signer.armoredPublicKey, 'junk'] }),
    ).rejects.toThrow('public key 1 is malformed');
  });

  describe.skipIf(!hasGpg)('with messages signed by gpg', () => {
    let home: GpgHome;
    let primary: string;
    beforeAll(() => {
      home = createGpgHome();
      primary = home.generateKey({ algorithm: 'ed25519', usage: 'cert', expire: '1y' });
      // Certify-only primary: gpg must sign with this subkey.
      home.run(['--passphrase', '', '--quick-add-key', primary, 'ed25519', 'sign', '1y']);
    });
    afterAll(() => home.close());

    it('verifies gpg --clearsign made with a signing subkey, naming the primary key', async () => {
      const textFile = path.join(home.dir, 'text.txt');
      writeFileSync(textFile, `${TEXT}\n`);
      const gpgSigned = home
        .run(['--local-user', primary, '--output', '-', '--clearsign', textFile])
        .toString('utf8');
      const verified = await verifySignedText({
        signedMessage: gpgSigned,
        armoredPublicKeys: [home.exportPublicKey(primary)],
      });
      expect(verified).toEqual({ text: TEXT, signerFingerprint: primary });
    });
  });
});
