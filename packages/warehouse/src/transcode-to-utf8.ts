import { isUtf8 } from 'node:buffer';

/** Raised when the bytes are not text in the member's declared encoding. */
export class EncodingError extends Error {
  readonly code = 'ALLIAGE_ENCODING';
}

/**
 * Yields the input as UTF-8 bytes: Windows-1252 is converted, UTF-8 is checked
 * (a multi-byte character split across chunks is carried to the next chunk).
 * On invalid input it stops yielding but still reads the source to its end (so
 * a decryptor upstream can finish its integrity check), then throws
 * `EncodingError`, which never quotes the bytes.
 *
 * @example
 * for await (const chunk of transcodeToUtf8(stream, 'windows-1252')) scanner.push(chunk);
 */
export async function* transcodeToUtf8(
  source: AsyncIterable<Uint8Array>,
  encoding: 'utf-8' | 'windows-1252',
): AsyncGenerator<Uint8Array> {
  if (encoding === 'windows-1252') {
    const decoder = new TextDecoder('windows-1252');
    for await (const chunk of source) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield Buffer.from(text, 'utf8');
    }
    const rest = decoder.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
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
