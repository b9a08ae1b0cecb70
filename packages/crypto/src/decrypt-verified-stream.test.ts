import { Readable } from 'node:stream';
import { isAppError } from '@alliage/domain';
import { createMessage, encrypt, enums, readKey, readPrivateKey, sign } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readDecryptRejection,
  SECOND_MESSAGE_DETAIL,
  type TDecryptRejection,
  TRAILING_DATA_DETAIL,
} from './decrypt-rejection.ts';
import {
  type DecryptVerifiedStreamOptions,
  decryptVerifiedStream,
  type TDecryptEngine,
  type TVerifiedDecryption,
} from './decrypt-verified-stream.ts';
import { generatePgpKeyPair, type TPgpKeyPair } from './generate-pgp-key-pair.ts';
import {
  buildNestedCompressionBomb,
  createGpgHome,
  encryptRawPgpPackets,
  type GpgHome,
  hasGpg,
} from './testing/index.ts';

// Synthetic rows only: no real personal data in tests.
const CSV = Buffer.from(
  `customer_id;last_name;postcode\n${Array.from(
    { length: 20_000 },
    (_, index) => `T${String(index).padStart(6, '0')};TEST ONLY;75001\n`,
  ).join('')}`,
);
const PLATFORM_PASSPHRASE = 'test-only platform passphrase';

interface TOutcome {
  plaintext: Buffer;
  verified?: TVerifiedDecryption;
  rejection?: unknown;
  streamError?: unknown;
  /** Plaintext bytes the reader had received when `verified` resolved. */
  bytesSeenAtResolve?: number;
}

/** Reads the plaintext to the end as an intake worker would, recording what it saw when. */
async function decryptToEnd(options: DecryptVerifiedStreamOptions): Promise<TOutcome> {
  const { plaintext, verified } = decryptVerifiedStream(options);
  const chunks: Uint8Array[] = [];
  let bytesRead = 0;
  const outcome: TOutcome = { plaintext: Buffer.alloc(0) };
  verified.then(
    () => {
      outcome.bytesSeenAtResolve = bytesRead;
    },
    () => undefined,
  );
  try {
    for await (const chunk of plaintext) {
      chunks.push(chunk);
      bytesRead += chunk.length;
    }
  } catch (error) {
    outcome.streamError = error;
  }
  outcome.plaintext = Buffer.concat(chunks);
  try {
    outcome.verified = await verified;
  } catch (error) {
    outcome.rejection = error;
  }
  return outcome;
}

function expectRejected(outcome: TOutcome, reason: TDecryptRejection): void {
  expect(outcome.verified).toBeUndefined();
  expect(outcome.bytesSeenAtResolve).toBeUndefined();
  // The same AppError on both channels, so either one is enough to discard.
  expect(outcome.streamError).toBe(outcome.rejection);
  expect(isAppError(outcome.rejection)).toBe(true);
  expect(outcome.rejection).toMatchObject({ code: 'validation_failed', retry: false });
  expect(readDecryptRejection(outcome.rejection)).toBe(reason);
  expect((outcome.rejection as Error).message).toContain(`(${reason})`);
}

describe('decryptVerifiedStream', () => {
  let platform: TPgpKeyPair;
  let previousPlatform: TPgpKeyPair;
  let member: TPgpKeyPair;
  let stranger: TPgpKeyPair;
  let otherRecipient: TPgpKeyPair;
  const files: Record<string, Uint8Array> = {};

  beforeAll(async () => {
    [platform, previousPlatform, member, stranger, otherRecipient] = await Promise.all([
      generatePgpKeyPair({
        name: 'Test Only Platform',
        email: 'platform@example.invalid',
        passphrase: PLATFORM_PASSPHRASE,
      }),
      generatePgpKeyPair({ name: 'Test Only Old Platform', email: 'old@example.invalid' }),
      generatePgpKeyPair({ name: 'Test Only Member', email: 'member@example.invalid' }),
      generatePgpKeyPair({ name: 'Test Only Stranger', email: 'stranger@example.invalid' }),
      generatePgpKeyPair({ name: 'Test Only Other', email: 'other@example.invalid' }),
    ]);
    const memberKey = await readPrivateKey({ armoredKey: member.armoredPrivateKey });
    const platformPublicKey = await readKey({ armoredKey: platform.armoredPublicKey });
    files.openpgpMade = await encrypt({
      message: await createMessage({ binary: CSV }),
      encryptionKeys: platformPublicKey,
      signingKeys: memberKey,
      format: 'binary',
      config: { preferredCompressionAlgorithm: enums.compression.zlib },
    });
    // A valid signature moved onto other content of the same length, then encrypted
    // with a valid MDC: only the signature check can catch it.
    const signed = Buffer.from(
      await sign({
        message: await createMessage({ binary: Buffer.alloc(4096, 'A') }),
        signingKeys: memberKey,
        format: 'binary',
      }),
    );
    const literalAt = signed.indexOf(Buffer.alloc(4096, 'A'));
    signed.fill('B', literalAt, literalAt + 4096);
    files.badSignature = await encryptRawPgpPackets({
      packets: signed,
      armoredPublicKey: platform.armoredPublicKey,
    });
    files.signedOnly = await sign({
      message: await createMessage({ binary: CSV }),
      signingKeys: memberKey,
      format: 'binary',
    });
    files.nestedBomb = await buildNestedCompressionBomb({
      armoredPublicKey: platform.armoredPublicKey,
      expandedBytes: 4 * 2 ** 30,
    });
  });

  const engines: TDecryptEngine[] = hasGpg ? ['gpg', 'openpgp'] : ['openpgp'];

  describe.skipIf(!hasGpg)('with files made by gpg (default settings)', () => {
    let home: GpgHome;
    beforeAll(() => {
      home = createGpgHome();
      home.run(['--import'], member.armoredPrivateKey + stranger.armoredPrivateKey);
      home.run(['--import'], platform.armoredPublicKey + otherRecipient.armoredPublicKey);
      // stdin input: GnuPG then frames the literal data in partial-length chunks too.
      const gpgEncrypt = (args: string[], clear: string | Buffer = CSV): Buffer =>
        home.run(['--trust-model', 'always', '--output', '-', ...args], clear);
      const bySigner = ['-e', '-s', '-r', platform.fingerprint, '-u', member.fingerprint];
      files.gpgBinary = gpgEncrypt(bySigner);
      files.gpgArmored = gpgEncrypt(['-a', ...bySigner]);
      files.gpgUnsigned = gpgEncrypt(['-e', '-r', platform.fingerprint]);
      files.gpgStranger = gpgEncrypt([
        '-e',
        '-s',
        '-r',
        platform.fingerprint,
        '-u',
        stranger.fingerprint,
      ]);
      files.gpgOtherRecipient = gpgEncrypt([
        '-e',
        '-s',
        '-r',
        otherRecipient.fingerprint,
        '-u',
        member.fingerprint,
      ]);
      // Two messages joined (`cat a.gpg b.gpg`), each encrypted and signed by the member.
      const second = gpgEncrypt(
        bySigner,
        'customer_id;last_name;postcode\nT999999;TEST ONLY;75001\n',
      );
      files.gpgTwoMessages = Buffer.concat([files.gpgBinary, second]);
      // Small ones too: gpg then reads the second inside the first and reports a BADSIG.
      files.gpgTwoSmall = Buffer.concat([second, second]);
      files.gpgTwoArmored = Buffer.concat([files.gpgArmored, files.gpgArmored]);
      files.gpgThenUnsigned = Buffer.concat([files.gpgBinary, files.gpgUnsigned]);
      files.gpgTrailingBytes = Buffer.concat([files.gpgBinary, Buffer.from('garbage\n')]);
      const flipped = Buffer.from(files.gpgBinary);
      const middle = Math.floor(flipped.length / 2);
      flipped[middle] = (flipped[middle] ?? 0) ^ 0x01;
      files.gpgFlipped = flipped;
    });
    afterAll(() => home?.close());

    describe.each(engines)('engine %s', (engine) => {
      const options = (
        file: Uint8Array,
        maxPlaintextBytes = 64 << 20,
      ): DecryptVerifiedStreamOptions => ({
        // A Node stream here, web streams below: both kinds of input are accepted.
        input: Readable.from([Buffer.from(file)]),
        decryptionKeys: [
          { armoredPrivateKey: previousPlatform.armoredPrivateKey },
          { armoredPrivateKey: platform.armoredPrivateKey, passphrase: PLATFORM_PASSPHRASE },
        ],
        signerPublicKeys: [member.armoredPublicKey],
        maxPlaintextBytes,
        engine,
      });

      it('accepts a binary file and resolves only once every byte was delivered', async () => {
        const outcome = await decryptToEnd(options(files.gpgBinary!));
        expect(outcome.plaintext.equals(CSV)).toBe(true);
        expect(outcome.verified).toEqual({
          signerFingerprint: member.fingerprint,
          plaintextBytes: CSV.length,
          engine,
        });
        expect(outcome.bytesSeenAtResolve).toBe(CSV.length);
      });

      it('accepts an armoured file', async () => {
        const outcome = await decryptToEnd({
          ...options(files.gpgArmored!),
          input: new Blob([files.gpgArmored!]).stream(),
        });
        expect(outcome.plaintext.equals(CSV)).toBe(true);
        expect(outcome.verified?.signerFingerprint).toBe(member.fingerprint);
      });

      it('rejects an unsigned file', async () => {
        expectRejected(await decryptToEnd(options(files.gpgUnsigned!)), 'unsigned');
      });

      it('rejects a file signed by a key not registered for the member', async () => {
        expectRejected(await decryptToEnd(options(files.gpgStranger!)), 'unknown_signer');
      });

      it('rejects a file encrypted to another key', async () => {
        expectRejected(await decryptToEnd(options(files.gpgOtherRecipient!)), 'wrong_recipient');
      });

      it('rejects a file with one flipped byte, never resolving verified', async () => {
        expectRejected(await decryptToEnd(options(files.gpgFlipped!)), 'integrity');
      });

      it('says a file holds more than one message, not that a signature or integrity failed', async () => {
        for (const file of [
          files.gpgTwoMessages,
          files.gpgTwoSmall,
          files.gpgTwoArmored,
          files.gpgThenUnsigned,
        ]) {
          const outcome = await decryptToEnd(options(file!));
          expectRejected(outcome, 'malformed');
          expect((outcome.rejection as Error).message).toContain(SECOND_MESSAGE_DETAIL);
        }
        const trailing = await decryptToEnd(options(files.gpgTrailingBytes!));
        expectRejected(trailing, 'malformed');
        expect((trailing.rejection as Error).message).toContain(TRAILING_DATA_DETAIL);
      });

      it('rejects a file above the plaintext cap', async () => {
        const outcome = await decryptToEnd(options(files.gpgBinary!, CSV.length - 1));
        expectRejected(outcome, 'too_large');
        expect(outcome.plaintext.length).toBeLessThanOrEqual(CSV.length - 1);
      });
    });
  });

  describe.each(engines)('engine %s, files made otherwise', (engine) => {
    const options = (
      file: Uint8Array,
      maxPlaintextBytes = 64 << 20,
    ): DecryptVerifiedStreamOptions => ({
      input: new Blob([file]).stream(),
      decryptionKeys: [
        { armoredPrivateKey: platform.armoredPrivateKey, passphrase: PLATFORM_PASSPHRASE },
      ],
      signerPublicKeys: [stranger.armoredPublicKey, member.armoredPublicKey],
      maxPlaintextBytes,
      engine,
    });

    it('accepts a file made by openpgp.js', async () => {
      const outcome = await decryptToEnd(options(files.openpgpMade!));
      expect(outcome.plaintext.equals(CSV)).toBe(true);
      expect(outcome.verified?.signerFingerprint).toBe(member.fingerprint);
      expect(outcome.bytesSeenAtResolve).toBe(CSV.length);
    });

    it('rejects a nested-compression bomb as too_large without exhausting memory', async () => {
      const rssBefore = process.memoryUsage().rss;
      const outcome = await decryptToEnd(options(files.nestedBomb!, 16 << 20));
      expectRejected(outcome, 'too_large');
      expect(outcome.plaintext.length).toBeLessThanOrEqual(16 << 20);
      // It expands to 4 GiB: holding even a fraction of it would show here.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 << 20);
    });

    it('rejects a signature that does not match the content', async () => {
      // gpg stops at a bad signature without checking the MDC, so it cannot tell this
      // crafted file (valid MDC) from an altered one and says `integrity`.
      expectRejected(
        await decryptToEnd(options(files.badSignature!)),
        engine === 'gpg' ? 'integrity' : 'bad_signature',
      );
    });

    it('rejects a signed file that is not encrypted', async () => {
      expectRejected(await decryptToEnd(options(files.signedOnly!)), 'not_encrypted');
    });

    it('rejects garbage and empty input as malformed', async () => {
      expectRejected(
        await decryptToEnd(options(Buffer.from('customer_id;name\n1;x\n'))),
        'malformed',
      );
      expectRejected(await decryptToEnd(options(new Uint8Array(0))), 'malformed');
    });

    it('fails as unavailable, to be retried, when the input breaks', async () => {
      const half = Buffer.from(files.openpgpMade!.subarray(0, files.openpgpMade!.length >> 1));
      const input = new Readable({
        read() {
          this.push(half);
          this.destroy(new Error('connection reset (test)'));
        },
      });
      const outcome = await decryptToEnd({ ...options(files.openpgpMade!), input });
      expect(outcome.rejection).toMatchObject({ code: 'unavailable', retry: true });
      expect(outcome.streamError).toBe(outcome.rejection);
      expect(readDecryptRejection(outcome.rejection)).toBeUndefined();
    });

    it('rejects when the member has no registered key', async () => {
      const outcome = await decryptToEnd({ ...options(files.openpgpMade!), signerPublicKeys: [] });
      expectRejected(outcome, 'unknown_signer');
    });

    it('rejects verified as cancelled when the reader stops early', async () => {
      const { plaintext, verified } = decryptVerifiedStream(options(files.openpgpMade!));
      const reader = plaintext.getReader();
      await reader.read();
      await reader.cancel();
      await expect(verified).rejects.toSatisfy(
        (error) => readDecryptRejection(error) === 'cancelled',
      );
    });
  });
});
