import { AppError } from '@alliage/domain';
import { dearmorPgpMessage } from './dearmor-pgp-message.ts';
import { rejectDecryption } from './decrypt-rejection.ts';

/** Encrypted bytes as a web stream (fetch, `Readable.toWeb`) or a Node stream (fs, ssh2 SFTP). */
export type TEncryptedInput = ReadableStream<Uint8Array> | NodeJS.ReadableStream;

// Leading blank lines are common before an armour block; 64 KiB of them is not a file.
const MAX_LEADING_WHITESPACE = 64 * 1024;

/**
 * The input as an async iterable of byte chunks, whichever stream kind it is.
 *
 * @example
 * for await (const chunk of toByteChunks(createReadStream(path))) hash.update(chunk);
 */
export function toByteChunks(input: TEncryptedInput): AsyncIterable<Uint8Array> {
  // Both kinds are async iterable in Node; only the chunk type needs checking
  // (a Node stream with an encoding set yields strings, which would corrupt binary data).
  const iterable = input as AsyncIterable<unknown>;
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of iterable) {
        if (!(chunk instanceof Uint8Array)) {
          throw new AppError(
            'internal',
            'encrypted input must yield bytes (set no encoding on it)',
          );
        }
        yield chunk;
      }
    },
  };
}

/**
 * The binary OpenPGP packets of `input`, de-armoured when it is ASCII armour: the
 * first non-blank byte decides (binary packets start with the high bit set, armour
 * with '-' or text).
 *
 * @example
 * const reader = createPgpByteReader(toBinaryPgpChunks(input)[Symbol.asyncIterator]());
 */
export async function* toBinaryPgpChunks(
  input: TEncryptedInput,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = toByteChunks(input)[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let firstByte: number | undefined;
    while (firstByte === undefined) {
      const result = await iterator.next();
      if (result.done) break;
      head.push(result.value);
      headBytes += result.value.length;
      firstByte = result.value.find((byte) => !isWhitespace(byte));
      if (firstByte === undefined && headBytes > MAX_LEADING_WHITESPACE) break;
    }
    if (firstByte === undefined) {
      throw rejectDecryption('malformed', 'the file is empty or blank');
    }
    const replay = async function* (): AsyncGenerator<Uint8Array, void, undefined> {
      yield* head;
      while (true) {
        const result = await iterator.next();
        if (result.done) return;
        yield result.value;
      }
    };
    if ((firstByte & 0x80) !== 0) yield* replay();
    else yield* dearmorPgpMessage(replay());
  } finally {
    // Stops the source when the reader gives up early (rejection, cancel, trailing text).
    await iterator.return?.();
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
