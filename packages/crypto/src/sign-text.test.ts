import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import { signText } from './sign-text.ts';
import { createGpgHome, type GpgHome, hasGpg } from './testing/index.ts';
import { verifySignedText } from './verify-signed-text.ts';

const PASSPHRASE = 'test-only passphrase';
const CHECKPOINT = [
  'alliage audit checkpoint (test only)',
  '-----BEGIN not a real armour line',
  'From the chain: seq=42 hash=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  '',
  '{"seq":42}',
].join('\n');

describe('signText', () => {
  let pair: TPgpKeyPair;
  let home: GpgHome | undefined;

  beforeAll(async () => {
    pair = await generatePgpKeyPair({
      name: 'Test Only',
      email: 'test-only@example.invalid',
      passphrase: PASSPHRASE,
    });
    if (hasGpg) {
      home = createGpgHome();
      home.run(['--import'], pair.armoredPublicKey);
    }
  });
  afterAll(() => home?.close());

  const sign = (text: string): Promise<string> =>
    signText({ text, armoredPrivateKey: pair.armoredPrivateKey, passphrase: PASSPHRASE });

  it('makes a cleartext-signed message that round-trips the exact text', async () => {
    const signedMessage = await sign(CHECKPOINT);
    expect(signedMessage).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    expect(signedMessage).toContain('- -----BEGIN not a real armour line');
    const verified = await verifySignedText({
      signedMessage,
      armoredPublicKeys: [pair.armoredPublicKey],
    });
    expect(verified).toEqual({ text: CHECKPOINT, signerFingerprint: pair.fingerprint });
  });

  it.skipIf(!hasGpg)(
    'is accepted by gpg --verify, and refused once one character changes',
    async () => {
      const signedMessage = await sign(CHECKPOINT);
      const signedFile = path.join(home!.dir, 'checkpoint.asc');
      writeFileSync(signedFile, signedMessage);
      const status = home!.run(['--status-fd', '1', '--verify', signedFile]).toString('utf8');
      expect(status).toContain(`[GNUPG:] VALIDSIG ${pair.fingerprint} `);

      const altered = signedMessage.replace('seq=42', 'seq=43');
      expect(altered).not.toBe(signedMessage);
      writeFileSync(signedFile, altered);
      expect(() => home!.run(['--verify', signedFile])).toThrow(/BAD signature/);
    },
  );

  it('refuses text a cleartext signature would not fully cover', async () => {
    await expect(sign('line with trailing space \nnext')).rejects.toThrow(
      /trailing spaces or tabs/,
    );
    await expect(sign('ends with a tab\t')).rejects.toThrow(/trailing spaces or tabs/);
    await expect(sign('windows\r\nline')).rejects.toThrow(/carriage return/);
  });

  it('needs the right passphrase for a protected key', async () => {
    await expect(
      signText({ text: 'x', armoredPrivateKey: pair.armoredPrivateKey }),
    ).rejects.toThrow('PGP private key is passphrase-protected; passphrase missing');
    await expect(
      signText({ text: 'x', armoredPrivateKey: pair.armoredPrivateKey, passphrase: 'wrong' }),
    ).rejects.toThrow('PGP private key passphrase is wrong');
  });

  it('signs with an unprotected key and rejects a public key', async () => {
    const unprotected = await generatePgpKeyPair({
      name: 'Test Only',
      email: 'test-only@example.invalid',
    });
    const signedMessage = await signText({
      text: 'x',
      armoredPrivateKey: unprotected.armoredPrivateKey,
    });
    const verified = await verifySignedText({
      signedMessage,
      armoredPublicKeys: [unprotected.armoredPublicKey],
    });
    expect(verified.signerFingerprint).toBe(unprotected.fingerprint);
    await expect(signText({ text: 'x', armoredPrivateKey: pair.armoredPublicKey })).rejects.toThrow(
      'PGP private key is malformed or not a private key',
    );
  });
});
