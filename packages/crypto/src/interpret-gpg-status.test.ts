import { describe, expect, it } from 'vitest';
import { SECOND_MESSAGE_DETAIL, TRAILING_DATA_DETAIL } from './decrypt-rejection.ts';
import { interpretGpgStatus } from './interpret-gpg-status.ts';

// Status lines as gpg 2.2.40 printed them for test-only keys (KEY_CONSIDERED lines dropped).
const MEMBER = '5D89CAA1DB061926D456732ED0C811D0F457D254';
const DECRYPTED = [
  '[GNUPG:] ENC_TO 43F2923B4EF7A971 18 0',
  '[GNUPG:] DECRYPTION_KEY 4802179424820B7124A7DE4443F2923B4EF7A971 0C53EFAA40F8DCED8EAA431D9D3E9A78D406DCBE u',
  '[GNUPG:] BEGIN_DECRYPTION',
  '[GNUPG:] DECRYPTION_INFO 2 9 0',
  '[GNUPG:] PLAINTEXT 62 1795437519 plain.csv',
  '[GNUPG:] PLAINTEXT_LENGTH 1288895',
];
const GOOD_SIGNATURE = [
  '[GNUPG:] NEWSIG',
  '[GNUPG:] SIG_ID HbTHVB8qbRPS+MBo+i81N2qHBy8 2026-11-23 1795437519',
  '[GNUPG:] GOODSIG D0C811D0F457D254 Test Only Member <m@example.invalid>',
  `[GNUPG:] VALIDSIG ${MEMBER} 2026-11-23 1795437519 0 4 0 22 10 00 ${MEMBER}`,
  '[GNUPG:] TRUST_UNDEFINED 0 pgp',
];
const OKAY = ['[GNUPG:] DECRYPTION_OKAY', '[GNUPG:] GOODMDC', '[GNUPG:] END_DECRYPTION'];

const verdictOf = (statusLines: string[], exitCode: number | null = 0) =>
  interpretGpgStatus({ statusLines, exitCode, allowedFingerprints: [MEMBER.toLowerCase()] });

describe('interpretGpgStatus', () => {
  it('accepts a decrypted, integrity-checked file with a good signature by an allowed key', () => {
    expect(verdictOf([...DECRYPTED, ...GOOD_SIGNATURE, ...OKAY])).toEqual({
      ok: true,
      signerFingerprint: MEMBER,
    });
  });

  it('never accepts without DECRYPTION_OKAY, whatever the signature says', () => {
    expect(verdictOf([...DECRYPTED, ...GOOD_SIGNATURE], 2)).toMatchObject({ reason: 'integrity' });
    expect(
      verdictOf([...DECRYPTED, ...GOOD_SIGNATURE, '[GNUPG:] DECRYPTION_FAILED', ...OKAY]),
    ).toMatchObject({ reason: 'integrity' });
    // gpg stops after a BADSIG, before the MDC.
    expect(
      verdictOf([...DECRYPTED, '[GNUPG:] NEWSIG', '[GNUPG:] BADSIG D0C811D0F457D254 x'], 1),
    ).toMatchObject({ reason: 'integrity', message: expect.stringContaining('signature') });
  });

  it('names an unsigned file, an unknown signer and a signer outside the allowed list', () => {
    expect(verdictOf([...DECRYPTED, ...OKAY])).toMatchObject({ reason: 'unsigned' });
    const noPublicKey = [
      '[GNUPG:] NEWSIG',
      '[GNUPG:] ERRSIG 752A75E8A60CC2F2 22 10 00 1795438754 9 752A75E8A60CC2F2A60CC2F2752A75E8A60CC2F2',
      '[GNUPG:] NO_PUBKEY 752A75E8A60CC2F2',
    ];
    expect(verdictOf([...DECRYPTED, ...noPublicKey, ...OKAY], 2)).toMatchObject({
      reason: 'unknown_signer',
      message: expect.stringContaining('752A75E8A60CC2F2'),
    });
    const otherSigner = GOOD_SIGNATURE.map((line) => line.replaceAll(MEMBER, 'A'.repeat(40)));
    expect(verdictOf([...DECRYPTED, ...otherSigner, ...OKAY])).toMatchObject({
      reason: 'unknown_signer',
    });
  });

  it('refuses expired or revoked signing keys and any bad signature among good ones', () => {
    const expired = GOOD_SIGNATURE.map((line) => line.replace('GOODSIG', 'EXPKEYSIG'));
    expect(verdictOf([...DECRYPTED, ...expired, ...OKAY])).toMatchObject({
      reason: 'bad_signature',
    });
    const bad = ['[GNUPG:] NEWSIG', '[GNUPG:] BADSIG 1111111111111111 x'];
    expect(verdictOf([...DECRYPTED, ...GOOD_SIGNATURE, ...bad, ...OKAY], 1)).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('tells a wrong recipient, a passphrase-only file and an unencrypted one apart', () => {
    expect(
      verdictOf(
        [
          '[GNUPG:] ENC_TO 76A9FA1DAF3C534E 18 0',
          '[GNUPG:] NO_SECKEY 76A9FA1DAF3C534E',
          '[GNUPG:] BEGIN_DECRYPTION',
          '[GNUPG:] DECRYPTION_FAILED',
          '[GNUPG:] END_DECRYPTION',
        ],
        2,
      ),
    ).toMatchObject({
      reason: 'wrong_recipient',
      message: expect.stringContaining('76A9FA1DAF3C534E'),
    });
    expect(
      verdictOf(
        [
          '[GNUPG:] NEED_PASSPHRASE_SYM 9 3 2',
          '[GNUPG:] BEGIN_DECRYPTION',
          '[GNUPG:] DECRYPTION_FAILED',
        ],
        2,
      ),
    ).toMatchObject({ reason: 'wrong_recipient' });
    expect(verdictOf(['[GNUPG:] PLAINTEXT 62 0 ', ...GOOD_SIGNATURE])).toMatchObject({
      reason: 'not_encrypted',
    });
    expect(verdictOf(['[GNUPG:] NODATA 1'], 2)).toMatchObject({ reason: 'malformed' });
  });

  it('reports an agent that cannot unlock the platform key as a gpg failure, not the file', () => {
    expect(
      verdictOf(
        [
          '[GNUPG:] ENC_TO 43F2923B4EF7A971 18 0',
          '[GNUPG:] ERROR pkdecrypt_failed 67108875',
          '[GNUPG:] DECRYPTION_FAILED',
        ],
        2,
      ),
    ).toMatchObject({ reason: 'gpg_failure' });
  });

  it('ranks a session key that does not decrypt with the integrity failures', () => {
    expect(
      verdictOf(
        [
          '[GNUPG:] ENC_TO 43F2923B4EF7A971 18 0',
          '[GNUPG:] ERROR pkdecrypt_failed 33554521',
          '[GNUPG:] BEGIN_DECRYPTION',
          '[GNUPG:] DECRYPTION_FAILED',
        ],
        2,
      ),
    ).toMatchObject({ reason: 'integrity' });
  });

  it('names a second message read after the first, rather than its signature or decryption', () => {
    // As gpg 2.2.40 printed them for `cat a.gpg b.gpg` where b is unsigned, and for a
    // message followed by bytes that are not OpenPGP.
    const second = [
      '[GNUPG:] ENC_TO 43F2923B4EF7A971 18 0',
      '[GNUPG:] ERROR decryption.early_plaintext 58',
      '[GNUPG:] BEGIN_DECRYPTION',
      '[GNUPG:] ERROR proc_pkt.plaintext 89_BAD_DATA',
      '[GNUPG:] DECRYPTION_FAILED',
      '[GNUPG:] END_DECRYPTION',
    ];
    expect(verdictOf([...DECRYPTED, ...GOOD_SIGNATURE, ...OKAY, ...second], 2)).toEqual({
      ok: false,
      reason: 'malformed',
      message: SECOND_MESSAGE_DETAIL,
    });
    expect(verdictOf([...DECRYPTED, ...GOOD_SIGNATURE, ...OKAY, '[GNUPG:] NODATA 3'], 2)).toEqual({
      ok: false,
      reason: 'malformed',
      message: TRAILING_DATA_DETAIL,
    });
  });
});
