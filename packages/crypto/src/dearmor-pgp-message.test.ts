import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dearmorPgpMessage } from './dearmor-pgp-message.ts';
import { readDecryptRejection, SECOND_MESSAGE_DETAIL } from './decrypt-rejection.ts';

const PAYLOAD = randomBytes(100_000);
const BODY = PAYLOAD.toString('base64').replace(/.{64}/g, '$&\n');

async function dearmor(text: string, chunkBytes = 1000): Promise<Buffer> {
  const bytes = Buffer.from(text, 'latin1');
  const chunks = async function* () {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      yield bytes.subarray(offset, offset + chunkBytes);
    }
  };
  const out: Uint8Array[] = [];
  for await (const piece of dearmorPgpMessage(chunks())) out.push(piece);
  return Buffer.concat(out);
}

async function reasonOf(text: string): Promise<string | undefined> {
  return dearmor(text).then(
    () => 'accepted',
    (error) => readDecryptRejection(error),
  );
}

describe('dearmorPgpMessage', () => {
  it('decodes armour with headers, a checksum, CRLF and text around it, in any chunking', async () => {
    const armored = `Here is my file\r\n\r\n-----BEGIN PGP MESSAGE-----\r\nVersion: GnuPG v2\r\nComment: test only\r\n\r\n${BODY.replaceAll('\n', '\r\n')}\r\n=ABCD\r\n-----END PGP MESSAGE-----\r\ntrailing signature of a mail\r\n`;
    for (const chunkBytes of [1, 7, 4096, 1 << 20]) {
      expect((await dearmor(armored, chunkBytes)).equals(PAYLOAD)).toBe(true);
    }
  });

  it('accepts armour without the blank line after the header and without a checksum', async () => {
    const armored = `-----BEGIN PGP MESSAGE-----\n${BODY}\n-----END PGP MESSAGE-----`;
    expect((await dearmor(armored)).equals(PAYLOAD)).toBe(true);
  });

  it('rejects truncated, non-base64 and foreign armour with a reason', async () => {
    expect(await reasonOf(`-----BEGIN PGP MESSAGE-----\n\n${BODY.slice(0, 500)}`)).toBe(
      'integrity',
    );
    expect(
      await reasonOf(`-----BEGIN PGP MESSAGE-----\n\nnot base64!\n-----END PGP MESSAGE-----\n`),
    ).toBe('integrity');
    expect(await reasonOf('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n')).toBe('malformed');
    expect(await reasonOf('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n')).toBe(
      'not_encrypted',
    );
    expect(await reasonOf('customer_id;name\n'.repeat(10_000))).toBe('malformed');
  });

  it('rejects a second armoured message after the first instead of leaving it out', async () => {
    const armored = `-----BEGIN PGP MESSAGE-----\n\n${BODY}\n-----END PGP MESSAGE-----\n`;
    for (const chunkBytes of [1, 1000, 1 << 20]) {
      const joined = `${armored}${armored}`;
      const outcome = await dearmor(joined, chunkBytes).then(
        () => 'accepted',
        (error: Error) => `${readDecryptRejection(error)}: ${error.message}`,
      );
      expect(outcome).toBe(`malformed: PGP file rejected (malformed): ${SECOND_MESSAGE_DETAIL}`);
    }
    // A long line of other text after the END line is still ignored, as gpg ignores it.
    expect((await dearmor(`${armored}${'x'.repeat(40_000)}\n`)).equals(PAYLOAD)).toBe(true);
  });
});
