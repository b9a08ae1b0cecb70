import { isUtf8 } from 'node:buffer';

/** Raised when the bytes are not text in the member's declared encoding. */
export class EncodingError extends Error {
  readonly code = 'ALLIAGE_ENCODING';
}

const LF = 0x0a;
/** UTF-8's lead byte of U+00C0–U+00FF (À…ÿ, every French accented letter); "Ã" in Windows-1252. */
const LATIN_LEAD = 0xc3;

/**
 * Yields the input as UTF-8 bytes: Windows-1252 is converted, UTF-8 is checked
 * (a multi-byte character split across chunks is carried to the next chunk).
 * On invalid input it stops yielding but still reads the source to its end (so
 * a decryptor upstream can finish its integrity check), then throws
 * `EncodingError`, which never quotes the bytes.
 *
 * Under Windows-1252, a UTF-8 file (mis-declared) would decode to mojibake
 * ("Hélène" as "HÃ©lÃ¨ne") without any error, so it is refused: a UTF-8
 * byte-order mark at the start, or the byte 0xC3 followed by 0x80–0xBF (a UTF-8
 * accented letter; in Windows-1252, "Ã" followed by a symbol or a non-ASCII
 * punctuation sign, which real text does not hold).
 *
 * @example
 * for await (const chunk of transcodeToUtf8(stream, 'windows-1252')) scanner.push(chunk);
 */
export async function* transcodeToUtf8(
  source: AsyncIterable<Uint8Array>,
  encoding: 'utf-8' | 'windows-1252',
): AsyncGenerator<Uint8Array> {
  if (encoding === 'windows-1252') {
    yield* transcodeWindows1252(source);
    return;
  }
  let carry: Uint8Array = new Uint8Array(0);
  let invalid = false;
  for await (const input of source) {
    if (invalid) continue;
    const chunk = carry.length > 0 ? Buffer.concat([carry, input]) : input;
    const complete = completeUtf8Prefix(chunk);
    const head = chunk.subarray(0, complete);
    if (!isUtf8(head)) {
      invalid = true;
      continue;
    }
    carry = chunk.subarray(complete);
    if (head.length > 0) yield head;
  }
  if (invalid || carry.length > 0) throw new EncodingError('the file is not valid utf-8 text');
}

async function* transcodeWindows1252(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder('windows-1252');
  let misdeclared: string | null = null;
  // Where the chunk starts in the file, and on which line; whether the last byte was 0xC3.
  let offset = 0;
  let line = 1;
  let afterLead = false;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of source) {
    if (misdeclared) continue;
    if (offset < 3) {
      // The byte-order mark may straddle chunks too.
      head = Buffer.concat([head, chunk.subarray(0, 3 - offset)]);
      if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
        misdeclared =
          'the dialect declares windows-1252 but the file starts with a UTF-8 byte-order mark; send it in windows-1252 or set the encoding to utf-8';
        continue;
      }
    }
    const at = findUtf8Latin(chunk, afterLead);
    if (at !== null) {
      // The letter starts one byte back when its lead byte ended the previous chunk.
      const start = offset + at;
      const newlines = countNewlines(chunk, Math.max(at, 0));
      misdeclared = `the dialect declares windows-1252 but the file looks like UTF-8: line ${line + newlines} (byte ${start + 1}) holds a UTF-8 encoded accented letter (it would read as "Ã" and a symbol); send it in windows-1252 or set the encoding to utf-8`;
      continue;
    }
    afterLead = chunk.length > 0 ? chunk[chunk.length - 1] === LATIN_LEAD : afterLead;
    line += countNewlines(chunk, chunk.length);
    offset += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, 'utf8');
  }
  if (misdeclared) throw new EncodingError(misdeclared);
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/**
 * Index of the first 0xC3 followed by 0x80–0xBF in `bytes` (-1 when the 0xC3 ended the
 * previous chunk, `afterLead`), or null when there is none.
 */
function findUtf8Latin(bytes: Uint8Array, afterLead: boolean): number | null {
  if (afterLead && bytes.length > 0 && isContinuation(bytes[0] as number)) return -1;
  for (let at = bytes.indexOf(LATIN_LEAD); at !== -1; at = bytes.indexOf(LATIN_LEAD, at + 1)) {
    if (at + 1 < bytes.length && isContinuation(bytes[at + 1] as number)) return at;
  }
  return null;
}

function isContinuation(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

/** Line feeds in `bytes[0, end)`. */
function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(LF); at !== -1 && at < end; at = bytes.indexOf(LF, at + 1)) {
    count += 1;
  }
  return count;
}

/** Length of the prefix that ends on a character boundary (at most 3 bytes held back). */
function completeUtf8Prefix(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = bytes[length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    if (byte < 0x80) return length;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return back >= needed ? length : length - back;
  }
  return length;
}
