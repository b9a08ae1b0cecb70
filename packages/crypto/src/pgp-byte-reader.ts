import { AppError, isAppError } from '@alliage/domain';
import { rejectDecryption } from './decrypt-rejection.ts';

/** Pull-based reader over a byte stream, for parsing OpenPGP framing without buffering the file. */
export interface PgpByteReader {
  /** Bytes handed out so far. */
  readonly position: number;
  /** Up to `count` next bytes without consuming them (fewer only at the end). */
  peek(count: number): Promise<Uint8Array>;
  /** Exactly `count` bytes; a shorter input is a truncated file (`malformed`). */
  readExact(count: number, what: string): Promise<Uint8Array>;
  /** The next bytes available, at most `maxBytes`, or undefined at the end. */
  readSome(maxBytes: number): Promise<Uint8Array | undefined>;
  /** True when no byte is left. */
  atEnd(): Promise<boolean>;
  /** Stops the source (cancels the web stream or destroys the Node stream). */
  cancel(): Promise<void>;
}

const EMPTY = new Uint8Array(0);

/**
 * Wraps an async iterator of byte chunks. Errors of the source are the transport's
 * (a dropped SFTP read), not the file's, so they surface as retryable `unavailable`.
 *
 * @example
 * const reader = createPgpByteReader(fileStream[Symbol.asyncIterator]());
 * const header = await reader.readExact(2, 'packet header');
 */
export function createPgpByteReader(source: AsyncIterator<Uint8Array>): PgpByteReader {
  let current: Uint8Array = EMPTY;
  let ended = false;
  let position = 0;

  const pullMore = async (): Promise<boolean> => {
    if (ended) return false;
    let result: IteratorResult<Uint8Array>;
    try {
      result = await source.next();
    } catch (error) {
      ended = true;
      // Rejections raised upstream (the armour decoder) keep their reason.
      if (isAppError(error)) throw error;
      throw new AppError('unavailable', 'reading the encrypted input failed', {
        retry: true,
        cause: error,
      });
    }
    if (result.done) {
      ended = true;
      return false;
    }
    const chunk: unknown = result.value;
    if (!(chunk instanceof Uint8Array)) {
      throw new AppError('internal', 'encrypted input must yield bytes (set no encoding on it)');
    }
    // Only header bytes ever straddle chunks, so this copy stays small and rare.
    current = current.length === 0 ? chunk : Buffer.concat([current, chunk]);
    return true;
  };

  const fill = async (count: number): Promise<void> => {
    while (current.length < count && (await pullMore())) {
      // keep pulling until enough bytes or the end
    }
  };

  const take = (count: number): Uint8Array => {
    const taken = current.subarray(0, count);
    current = current.subarray(count);
    position += taken.length;
    return taken;
  };

  return {
    get position() {
      return position;
    },
    async peek(count) {
      await fill(count);
      return current.subarray(0, count);
    },
    async readExact(count, what) {
      await fill(count);
      if (current.length < count) {
        throw rejectDecryption('malformed', `the file ends inside the ${what} (truncated?)`);
      }
      return take(count);
    },
    async readSome(maxBytes) {
      while (current.length === 0) {
        if (!(await pullMore())) return undefined;
      }
      return take(Math.min(maxBytes, current.length));
    },
    async atEnd() {
      await fill(1);
      return current.length === 0;
    },
    async cancel() {
      current = EMPTY;
      if (ended) return;
      ended = true;
      await source.return?.();
    },
  };
}
