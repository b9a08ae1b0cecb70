import {
  rejectDecryption,
  SECOND_MESSAGE_DETAIL,
  TRAILING_DATA_DETAIL,
} from './decrypt-rejection.ts';
import type { PgpByteReader } from './pgp-byte-reader.ts';

/** Reads the body of one OpenPGP packet piece by piece, whatever its length encoding. */
export interface TPacketBodyReader {
  /** Next body bytes (at most `maxBytes`), or undefined after the last one. */
  read(maxBytes: number): Promise<Uint8Array | undefined>;
}

/** What precedes and frames the encrypted data of a message (RFC 4880 §11.3). */
export interface TPgpEnvelope {
  /** Public-Key Encrypted Session Key packets, as bytes openpgp can read back. */
  sessionKeyPackets: Uint8Array[];
  /** How many passphrase-encrypted session keys (SKESK) there were. */
  passphraseSessionKeyCount: number;
  /** Version of the Symmetrically Encrypted Integrity Protected Data packet (1 = MDC). */
  seipdVersion: number;
  /** The encrypted body after its version byte. */
  encryptedData: TPacketBodyReader;
  /** Throws `malformed` when bytes follow the encrypted data packet (naming a second message). */
  expectEnd(): Promise<void>;
}

type TBodyLength =
  | { kind: 'fixed'; bytes: number }
  | { kind: 'partial'; bytes: number }
  | { kind: 'indeterminate' };

const TAG = {
  pkesk: 1,
  signature: 2,
  skesk: 3,
  onePassSignature: 4,
  compressed: 8,
  symmetricallyEncrypted: 9,
  marker: 10,
  literal: 11,
  seipd: 18,
  aeadEncrypted: 20,
  padding: 21,
} as const;
// A padding packet pads a message; every other one belongs to, or opens, a message.
const MESSAGE_TAGS: ReadonlySet<number> = new Set(
  Object.values(TAG).filter((tag) => tag !== TAG.padding),
);
// A recipient list, not a payload: generous for many recipients, small enough to hold.
const MAX_SESSION_KEY_PACKET_BYTES = 4096;
const MAX_ENVELOPE_PACKETS = 64;

/**
 * Parses the packets before the encrypted data (session keys, markers) and returns
 * a reader over the encrypted body, so that it streams in pieces of any chosen size
 * instead of the sender's partial-length chunks (8 KiB with GnuPG).
 *
 * @example
 * const envelope = await readPgpEnvelope(reader);
 * const firstPiece = await envelope.encryptedData.read(1 << 20);
 */
export async function readPgpEnvelope(reader: PgpByteReader): Promise<TPgpEnvelope> {
  const sessionKeyPackets: Uint8Array[] = [];
  let passphraseSessionKeyCount = 0;
  for (let index = 0; index < MAX_ENVELOPE_PACKETS; index += 1) {
    if (await reader.atEnd()) {
      throw rejectDecryption(
        'malformed',
        index === 0 ? 'the file is empty' : 'no encrypted data after the session keys',
      );
    }
    const { tag, length } = await readPacketHeader(reader);
    switch (tag) {
      case TAG.seipd: {
        const encryptedData = createPacketBodyReader(reader, length);
        const versionByte = await encryptedData.read(1);
        if (!versionByte || versionByte.length === 0) {
          throw rejectDecryption('malformed', 'the encrypted data packet is empty');
        }
        return {
          sessionKeyPackets,
          passphraseSessionKeyCount,
          seipdVersion: versionByte[0] ?? 0,
          encryptedData,
          async expectEnd() {
            if (await reader.atEnd()) return;
            const [next = 0] = await reader.peek(1);
            throw rejectDecryption(
              'malformed',
              startsMessage(next) ? SECOND_MESSAGE_DETAIL : TRAILING_DATA_DETAIL,
            );
          },
        };
      }
      case TAG.pkesk:
      case TAG.skesk:
      case TAG.marker:
      case TAG.padding: {
        if (length.kind !== 'fixed' || length.bytes > MAX_SESSION_KEY_PACKET_BYTES) {
          throw rejectDecryption(
            'malformed',
            `packet ${tag} before the encrypted data is oversized`,
          );
        }
        const body = await reader.readExact(length.bytes, `packet ${tag}`);
        if (tag === TAG.pkesk) sessionKeyPackets.push(encodePacket(tag, body));
        if (tag === TAG.skesk) passphraseSessionKeyCount += 1;
        break;
      }
      case TAG.symmetricallyEncrypted:
        throw rejectDecryption(
          'integrity',
          'the data is encrypted without integrity protection (no MDC); re-encrypt with a current GnuPG',
        );
      case TAG.aeadEncrypted:
        throw rejectDecryption(
          'malformed',
          'AEAD (OCB) encrypted data is not accepted; encrypt with GnuPG 2.2 defaults (MDC)',
        );
      case TAG.literal:
      case TAG.compressed:
      case TAG.onePassSignature:
      case TAG.signature:
        throw rejectDecryption('not_encrypted', 'the file is not encrypted (plain or signed data)');
      default:
        throw rejectDecryption('malformed', `unexpected OpenPGP packet type ${tag}`);
    }
  }
  throw rejectDecryption('malformed', 'too many packets before the encrypted data');
}

/** Whether `headerByte` opens a packet that a message starts with or is made of. */
function startsMessage(headerByte: number): boolean {
  if ((headerByte & 0x80) === 0) return false;
  const tag = (headerByte & 0x40) !== 0 ? headerByte & 0x3f : (headerByte >> 2) & 0x0f;
  return MESSAGE_TAGS.has(tag);
}

/** Reads a packet header, old (RFC 4880 §4.2.1) or new format (§4.2.2). */
async function readPacketHeader(
  reader: PgpByteReader,
): Promise<{ tag: number; length: TBodyLength }> {
  const [first = 0] = await reader.readExact(1, 'packet header');
  if ((first & 0x80) === 0) {
    throw rejectDecryption('malformed', 'not an OpenPGP packet (bad header byte)');
  }
  if ((first & 0x40) !== 0) {
    return { tag: first & 0x3f, length: await readNewFormatLength(reader) };
  }
  const tag = (first >> 2) & 0x0f;
  switch (first & 0x03) {
    case 0:
      return {
        tag,
        length: { kind: 'fixed', bytes: (await reader.readExact(1, 'length'))[0] ?? 0 },
      };
    case 1:
      return {
        tag,
        length: { kind: 'fixed', bytes: readUint(await reader.readExact(2, 'length')) },
      };
    case 2:
      return {
        tag,
        length: { kind: 'fixed', bytes: readUint(await reader.readExact(4, 'length')) },
      };
    default:
      return { tag, length: { kind: 'indeterminate' } };
  }
}

async function readNewFormatLength(reader: PgpByteReader): Promise<TBodyLength> {
  const [first = 0] = await reader.readExact(1, 'packet length');
  if (first < 192) return { kind: 'fixed', bytes: first };
  if (first < 224) {
    const [second = 0] = await reader.readExact(1, 'packet length');
    return { kind: 'fixed', bytes: ((first - 192) << 8) + second + 192 };
  }
  if (first < 255) return { kind: 'partial', bytes: 1 << (first & 0x1f) };
  return { kind: 'fixed', bytes: readUint(await reader.readExact(4, 'packet length')) };
}

function createPacketBodyReader(
  reader: PgpByteReader,
  firstLength: TBodyLength,
): TPacketBodyReader {
  let length = firstLength;
  let remaining = length.kind === 'indeterminate' ? Number.POSITIVE_INFINITY : length.bytes;
  let finished = false;
  return {
    async read(maxBytes) {
      while (!finished) {
        if (remaining === 0) {
          // A partial chunk is always followed by another length header (§4.2.2.4).
          if (length.kind !== 'partial') {
            finished = true;
            return undefined;
          }
          length = await readNewFormatLength(reader);
          remaining = length.kind === 'indeterminate' ? Number.POSITIVE_INFINITY : length.bytes;
          continue;
        }
        const piece = await reader.readSome(Math.min(maxBytes, remaining));
        if (!piece) {
          if (length.kind === 'indeterminate') {
            finished = true;
            return undefined;
          }
          throw rejectDecryption('integrity', 'the encrypted data ends early (truncated file)');
        }
        remaining -= piece.length;
        return piece;
      }
      return undefined;
    },
  };
}

/** New-format packet bytes, for openpgp to parse a session key packet again. */
function encodePacket(tag: number, body: Uint8Array): Uint8Array {
  const header =
    body.length < 192
      ? [0xc0 | tag, body.length]
      : [0xc0 | tag, 0xff, ...[24, 16, 8, 0].map((shift) => (body.length >>> shift) & 0xff)];
  return Buffer.concat([Uint8Array.from(header), body]);
}

function readUint(bytes: Uint8Array): number {
  // `>>> 0` keeps 4-byte lengths of 2 GiB and more positive.
  return bytes.reduce((value, byte) => ((value << 8) | byte) >>> 0, 0);
}
