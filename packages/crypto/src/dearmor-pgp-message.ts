import { rejectDecryption, SECOND_MESSAGE_DETAIL } from './decrypt-rejection.ts';

const BEGIN_MESSAGE = '-----BEGIN PGP MESSAGE-----';
const END_MESSAGE = '-----END PGP MESSAGE-----';
// Mail clients and GUIs may put a few lines of text before the armour; a megabyte of
// it is not a PGP file, and no armour line is anywhere near 16 KiB.
const MAX_PREAMBLE_CHARS = 64 * 1024;
const MAX_LINE_CHARS = 16 * 1024;
const DECODE_BATCH_CHARS = 256 * 1024;
const ARMOR_HEADER = /^[\x21-\x39\x3b-\x7e]+: /;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const ARMOR_BEGIN = '-----BEGIN PGP ';
// Of a line after the END line, enough to tell a BEGIN line (trailing spaces trimmed).
const MAX_KEPT_AFTER_END = 64;

type TArmorState = 'preamble' | 'headers' | 'body' | 'checksum' | 'done';

/**
 * Decodes an ASCII-armoured `PGP MESSAGE` block, streaming: yields the binary packets
 * as the base64 lines arrive. Text before the block is skipped, text after it
 * ignored (as gpg does) unless it opens another armour block: a second message
 * (`cat a.asc b.asc`) is rejected rather than silently left out. The CRC24 line is
 * not checked (RFC 9580 §6.1: the MDC or AEAD tag is what
 * protects the data).
 *
 * @example
 * for await (const bytes of dearmorPgpMessage(Readable.toWeb(createReadStream('drop.asc')))) parse(bytes);
 */
export async function* dearmorPgpMessage(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  // Widened on purpose: the line handlers below change it, which narrowing cannot see.
  let state = 'preamble' as TArmorState;
  let preambleChars = 0;
  let partialLine = '';
  let base64 = '';

  const handleLine = (rawLine: string): void => {
    const line = rawLine.trimEnd();
    switch (state) {
      case 'preamble':
        if (line === BEGIN_MESSAGE) {
          state = 'headers';
        } else if (line.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) {
          throw rejectDecryption('not_encrypted', 'the file is a clear-signed text, not encrypted');
        } else if (line.startsWith('-----BEGIN PGP ')) {
          throw rejectDecryption('malformed', `the armour holds "${line}", not a PGP MESSAGE`);
        } else {
          preambleChars += rawLine.length + 1;
          if (preambleChars > MAX_PREAMBLE_CHARS) {
            throw rejectDecryption('malformed', 'no "-----BEGIN PGP MESSAGE-----" line found');
          }
        }
        return;
      case 'headers':
        if (line === '') {
          state = 'body';
          return;
        }
        if (ARMOR_HEADER.test(line)) return;
        // Some encoders omit the blank line when there is no header: read it as data.
        state = 'body';
        handleBodyLine(line);
        return;
      case 'body':
        handleBodyLine(line);
        return;
      case 'checksum':
        if (line === END_MESSAGE) state = 'done';
        else if (line !== '')
          throw rejectDecryption('malformed', 'armour: text after the checksum');
        return;
      case 'done':
        if (line.startsWith(ARMOR_BEGIN))
          throw rejectDecryption('malformed', SECOND_MESSAGE_DETAIL);
        return;
    }
  };

  const handleBodyLine = (line: string): void => {
    if (line === '') return;
    if (line === END_MESSAGE) {
      state = 'done';
    } else if (line.startsWith('-----')) {
      throw rejectDecryption('malformed', `armour: unexpected line "${line.slice(0, 40)}"`);
    } else if (line.length === 5 && line.startsWith('=')) {
      state = 'checksum';
    } else if (BASE64_LINE.test(line)) {
      base64 += line;
    } else {
      // Damage, as in binary data (where the MDC catches it): gpg skips such bytes and fails the MDC.
      throw rejectDecryption(
        'integrity',
        'the armour holds characters that are not base64: the file was altered',
      );
    }
  };

  // Decodes whole 4-character groups only, so no byte is ever split across batches.
  const decodeReady = (final: boolean): Uint8Array | undefined => {
    const usable = final ? base64.length : base64.length - (base64.length % 4);
    if (usable === 0) return undefined;
    const bytes = Buffer.from(base64.slice(0, usable), 'base64');
    base64 = base64.slice(usable);
    return bytes;
  };

  let flushed = false;
  for await (const chunk of chunks) {
    const text =
      partialLine +
      Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const lines = text.split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) handleLine(line);
    if (state === 'done') {
      // The message is whole: hand it on, then read the rest only for another BEGIN
      // line, keeping no more of a line than that needs (any text may follow).
      if (!flushed) {
        flushed = true;
        const rest = decodeReady(true);
        if (rest) yield rest;
      }
      partialLine = partialLine.slice(0, MAX_KEPT_AFTER_END);
      continue;
    }
    if (partialLine.length > MAX_LINE_CHARS) {
      throw rejectDecryption('malformed', 'armour: a line is longer than 16 KiB');
    }
    if (base64.length >= DECODE_BATCH_CHARS) {
      const bytes = decodeReady(false);
      if (bytes) yield bytes;
    }
  }
  if (partialLine !== '') handleLine(partialLine);
  if (state === 'preamble') {
    throw rejectDecryption('malformed', 'neither an OpenPGP binary file nor an armoured message');
  }
  if (state !== 'done') {
    throw rejectDecryption('integrity', 'the armoured file ends before its END line (truncated)');
  }
  if (!flushed) {
    const rest = decodeReady(true);
    if (rest) yield rest;
  }
}
