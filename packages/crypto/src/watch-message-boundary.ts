import { SECOND_MESSAGE_DETAIL, TRAILING_DATA_DETAIL } from './decrypt-rejection.ts';

/** Watches the bytes of an encrypted file go by, unchanged, for what follows its message. */
export interface TMessageBoundaryWatcher {
  /** Looks at the next bytes of the file, in order. */
  observe(chunk: Uint8Array): void;
  /**
   * The `malformed` detail when bytes were seen after the end of the (first) encrypted
   * message: `SECOND_MESSAGE_DETAIL` or `TRAILING_DATA_DETAIL`; null otherwise,
   * including when the framing was not one this watcher follows (gpg judges those).
   */
  verdict(): string | null;
}

const ARMOR_BEGIN = Buffer.from('-----BEGIN PGP ');
const ARMOR_END = Buffer.from('-----END PGP MESSAGE-----');
const LF = 0x0a;
// Packets that may come before the encrypted data: session keys, marker, padding.
const ENVELOPE_TAGS: ReadonlySet<number> = new Set([1, 3, 10, 21]);
// SED, SEIPD, AEAD: the encrypted data, the message's last packet.
const ENCRYPTED_TAGS: ReadonlySet<number> = new Set([9, 18, 20]);
// Every packet a message starts with or is made of (padding excepted).
const MESSAGE_TAGS: ReadonlySet<number> = new Set([1, 2, 3, 4, 8, 9, 10, 11, 18, 20]);

type TState =
  | 'start'
  | 'header'
  | 'body'
  | 'after'
  | 'armor'
  /** A framing this watcher does not follow (gpg rejects it on its own), or a verdict. */
  | 'stopped';

/**
 * Follows the top-level OpenPGP framing of a file as gpg reads it (the gpg engine hands
 * gpg the file as it came), to say when something follows the encrypted message: another
 * message (`cat a.gpg b.gpg`) or other bytes. gpg itself cannot be asked: it reads a
 * joined file as one message and, depending on sizes, reports a bad signature or a
 * failed integrity check of the first. Binary files: session key packets, then the
 * encrypted data packet (partial lengths followed), then nothing. Armoured files: text
 * after the END line is ignored, as gpg does, but not another BEGIN line.
 *
 * @example
 * const watcher = watchMessageBoundary();
 * for await (const chunk of input) { watcher.observe(chunk); await write(chunk); }
 * const detail = watcher.verdict(); // null when the file holds one message
 */
export function watchMessageBoundary(): TMessageBoundaryWatcher {
  let state: TState = 'start';
  let found: string | null = null;
  // Binary: the packet header being read, the body bytes left, whether more length follows.
  let header: number[] = [];
  let tag = 0;
  let remaining = 0;
  let partial = false;
  let encrypted = false;
  // Armour: the start of the current line (as much as a BEGIN or END line needs).
  let lineStart: number[] = [];
  let afterEnd = false;

  const stop = (detail: string | null): void => {
    found = detail;
    state = 'stopped';
  };

  /** Reads header bytes from `chunk` at `at`; returns where it stopped. */
  const readHeader = (chunk: Uint8Array, at: number): number => {
    let index = at;
    while (index < chunk.length && state === 'header') {
      header.push(chunk[index] as number);
      index += 1;
      const length = parseHeader(header, partial);
      if (length === undefined) continue;
      header = [];
      if (length === null) {
        stop(null);
        break;
      }
      if (!partial) {
        tag = length.tag;
        encrypted = ENCRYPTED_TAGS.has(tag);
        if (!encrypted && !ENVELOPE_TAGS.has(tag)) {
          stop(null);
          break;
        }
      }
      if (length.bytes === null) {
        // Indeterminate length: the packet runs to the end of the file.
        stop(null);
        break;
      }
      remaining = length.bytes;
      partial = length.partial;
      state = 'body';
    }
    return index;
  };

  const observeBinary = (chunk: Uint8Array): void => {
    let index = 0;
    while (index < chunk.length && state !== 'stopped') {
      if (state === 'header') {
        index = readHeader(chunk, index);
      } else if (state === 'body') {
        const step = Math.min(remaining, chunk.length - index);
        remaining -= step;
        index += step;
        if (remaining > 0) break;
        if (partial) state = 'header';
        else if (encrypted) state = 'after';
        else state = 'header';
      } else if (state === 'after') {
        stop(startsMessage(chunk[index] as number) ? SECOND_MESSAGE_DETAIL : TRAILING_DATA_DETAIL);
      }
    }
  };

  const observeArmor = (chunk: Uint8Array): void => {
    let index = 0;
    while (index < chunk.length && state === 'armor') {
      const lineEnd = chunk.indexOf(LF, index);
      const end = lineEnd === -1 ? chunk.length : lineEnd;
      const wanted = Math.max(ARMOR_BEGIN.length, ARMOR_END.length) - lineStart.length;
      for (let at = index; at < Math.min(end, index + Math.max(wanted, 0)); at++) {
        lineStart.push(chunk[at] as number);
      }
      if (lineEnd === -1) break;
      const line = Buffer.from(lineStart);
      lineStart = [];
      index = lineEnd + 1;
      if (afterEnd && line.subarray(0, ARMOR_BEGIN.length).equals(ARMOR_BEGIN)) {
        stop(SECOND_MESSAGE_DETAIL);
      } else if (line.subarray(0, ARMOR_END.length).equals(ARMOR_END)) {
        afterEnd = true;
      }
    }
  };

  return {
    observe(chunk) {
      if (state === 'start') {
        const first = chunk.find((byte) => !isWhitespace(byte));
        if (first === undefined) return;
        state = (first & 0x80) !== 0 ? 'header' : 'armor';
        if (state === 'header') chunk = chunk.subarray(chunk.indexOf(first));
      }
      if (state === 'armor') observeArmor(chunk);
      else observeBinary(chunk);
    },
    verdict() {
      // The last line of an armoured file may have no line end.
      if (
        state === 'armor' &&
        afterEnd &&
        Buffer.from(lineStart).subarray(0, ARMOR_BEGIN.length).equals(ARMOR_BEGIN)
      ) {
        return SECOND_MESSAGE_DETAIL;
      }
      return found;
    },
  };
}

/**
 * The body length a packet header announces once `bytes` hold all of it: undefined
 * while more header bytes are needed, null for a byte that opens no packet. With
 * `continuation`, `bytes` are only the next new-format length of a partial body.
 */
function parseHeader(
  bytes: number[],
  continuation: boolean,
): { tag: number; bytes: number | null; partial: boolean } | null | undefined {
  const first = bytes[0] as number;
  let tag = 0;
  let lengthBytes: number[];
  if (continuation) {
    lengthBytes = bytes;
  } else {
    if ((first & 0x80) === 0) return null;
    if ((first & 0x40) === 0) {
      // Old format: the length's size is in the header byte.
      tag = (first >> 2) & 0x0f;
      const size = [1, 2, 4, 0][first & 0x03] as number;
      if (size === 0) return { tag, bytes: null, partial: false };
      if (bytes.length < 1 + size) return undefined;
      const length = bytes.slice(1).reduce((value, byte) => value * 256 + byte, 0);
      return { tag, bytes: length, partial: false };
    }
    tag = first & 0x3f;
    lengthBytes = bytes.slice(1);
  }
  // New format (RFC 4880 §4.2.2).
  const [l1, l2 = 0] = lengthBytes;
  if (l1 === undefined) return undefined;
  if (l1 < 192) return { tag, bytes: l1, partial: false };
  if (l1 < 224) {
    if (lengthBytes.length < 2) return undefined;
    return { tag, bytes: ((l1 - 192) << 8) + l2 + 192, partial: false };
  }
  if (l1 < 255) return { tag, bytes: 1 << (l1 & 0x1f), partial: true };
  if (lengthBytes.length < 5) return undefined;
  const length = lengthBytes.slice(1, 5).reduce((value, byte) => value * 256 + byte, 0);
  return { tag, bytes: length, partial: false };
}

function startsMessage(headerByte: number): boolean {
  if ((headerByte & 0x80) === 0) return false;
  const tag = (headerByte & 0x40) !== 0 ? headerByte & 0x3f : (headerByte >> 2) & 0x0f;
  return MESSAGE_TAGS.has(tag);
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
