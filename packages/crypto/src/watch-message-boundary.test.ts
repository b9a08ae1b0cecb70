import { describe, expect, it } from 'vitest';
import { SECOND_MESSAGE_DETAIL, TRAILING_DATA_DETAIL } from './decrypt-rejection.ts';
import { watchMessageBoundary } from './watch-message-boundary.ts';

// Framing only: the watcher never decrypts, so packet bodies can be any bytes.
const PKESK_NEW = Buffer.concat([Buffer.from([0xc1, 10]), Buffer.alloc(10, 7)]);
const PKESK_OLD = Buffer.concat([Buffer.from([0x85, 0x00, 0x0c]), Buffer.alloc(12, 7)]);
// SEIPD in partial-length chunks (as GnuPG writes from a pipe): 512, 16, then 300 final.
const SEIPD_PARTIAL = Buffer.concat([
  Buffer.from([0xd2, 0xe9]),
  Buffer.alloc(512, 0xaa),
  Buffer.from([0xe4]),
  Buffer.alloc(16, 0xbb),
  Buffer.from([0xc0, 0x6c]),
  Buffer.alloc(300, 0xcc),
]);
const SEIPD_FIVE_OCTET = Buffer.concat([
  Buffer.from([0xd2, 0xff, 0, 0, 0x01, 0x00]),
  Buffer.alloc(256, 0xdd),
]);
const MESSAGE = Buffer.concat([PKESK_NEW, SEIPD_PARTIAL]);

function verdictOf(file: Buffer | string, split = 0): string | null {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'latin1') : file;
  const watcher = watchMessageBoundary();
  const step = split || bytes.length || 1;
  for (let offset = 0; offset < bytes.length; offset += step) {
    watcher.observe(bytes.subarray(offset, offset + step));
  }
  return watcher.verdict();
}

describe('watchMessageBoundary', () => {
  it('sees nothing wrong in one message, whatever the chunks and length formats', () => {
    for (const file of [MESSAGE, Buffer.concat([PKESK_OLD, PKESK_NEW, SEIPD_FIVE_OCTET])]) {
      for (const split of [0, 1, 2, 3, 7, 100]) expect(verdictOf(file, split)).toBeNull();
    }
  });

  it('names a second message joined to the first, and other trailing bytes', () => {
    for (const split of [0, 1, 5, 513]) {
      expect(verdictOf(Buffer.concat([MESSAGE, MESSAGE]), split)).toBe(SECOND_MESSAGE_DETAIL);
      expect(verdictOf(Buffer.concat([MESSAGE, PKESK_OLD]), split)).toBe(SECOND_MESSAGE_DETAIL);
      expect(verdictOf(Buffer.concat([MESSAGE, Buffer.from('\n')]), split)).toBe(
        TRAILING_DATA_DETAIL,
      );
    }
  });

  it('leaves framings it does not follow to gpg', () => {
    // A literal packet (not encrypted) and an indeterminate-length packet.
    expect(verdictOf(Buffer.concat([Buffer.from([0xcb, 3, 0x62, 0, 0]), MESSAGE]))).toBeNull();
    expect(verdictOf(Buffer.concat([Buffer.from([0xa3, 1, 2, 3]), MESSAGE]))).toBeNull();
    expect(verdictOf('not a pgp file at all\n')).toBeNull();
  });

  it('ignores text after an armoured message but not a second armour block', () => {
    const armour =
      '-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA0AAAA==\r\n=abcd\r\n-----END PGP MESSAGE-----\r\n';
    for (const split of [0, 1, 4, 30]) {
      expect(verdictOf(`${armour}\n-- \nmail signature\n`, split)).toBeNull();
      expect(verdictOf(`${armour}${armour}`, split)).toBe(SECOND_MESSAGE_DETAIL);
      expect(verdictOf(`${armour}-----BEGIN PGP MESSAGE-----`, split)).toBe(SECOND_MESSAGE_DETAIL);
    }
  });
});
