import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Why a write or the final check was refused. */
export type UploadWriteRefusal =
  | 'too_large'
  | 'overlapping_write'
  | 'buffer_full'
  | 'incomplete'
  | 'closed';

/** Raised by an upload writer; `reason` is safe to log and to put in events. */
export class UploadWriteError extends Error {
  readonly reason: UploadWriteRefusal | 'io_error';

  constructor(reason: UploadWriteRefusal | 'io_error', options?: { cause?: unknown }) {
    super(`upload refused: ${reason}`, options);
    this.name = 'UploadWriteError';
    this.reason = reason;
  }
}

export interface UploadWriterOptions {
  fileHandle: FileHandle;
  maxBytes: number;
  /**
   * Bytes held in memory — waiting for an earlier gap, or queued for the disk —
   * before the upload is refused; default 32 MiB. SSH flow control does not help
   * here (ssh2 keeps opening the window), so this bounds a client that pipelines
   * far more than OpenSSH's 64 × 32 KiB.
   */
  maxBufferedBytes?: number;
}

export interface UploadWriter {
  /** Accepts `data` at `offset`; resolves when it is on disk (or safely buffered). */
  write(offset: number, data: Buffer): Promise<void>;
  /** Waits for every write; fails when a gap was never filled. */
  finish(): Promise<{ size: number; sha256: string }>;
  /** Bytes accepted in sequence so far. */
  readonly size: number;
}

const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/**
 * Streams an upload to its temp file while hashing it. SFTP WRITE carries an
 * offset and clients pipeline requests (OpenSSH keeps 64 in flight, ssh2's fastPut
 * reads the local file in parallel), so chunks may arrive ahead of a gap: they wait
 * in a bounded buffer until the gap is filled, then go to disk and into SHA-256 in
 * file order (handled, not refused: refusing would break stock clients). Writes that overlap bytes already accepted are refused (uploads are
 * write-once), as is anything past `maxBytes` — checked before a byte is stored.
 * Bookkeeping is synchronous, in request order; only disk writes are chained.
 *
 * @example
 * const writer = createUploadWriter({ fileHandle, maxBytes: 2 ** 31 });
 * await writer.write(0, chunk);
 * const { size, sha256 } = await writer.finish();
 */
export function createUploadWriter(options: UploadWriterOptions): UploadWriter {
  const { fileHandle, maxBytes } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const hash = createHash('sha256');
  const waiting = new Map<number, Buffer>();
  /** Bytes waiting for a gap plus bytes queued for the disk. */
  let bufferedBytes = 0;
  let nextOffset = 0;
  let diskChain: Promise<void> = Promise.resolve();
  let failure: UploadWriteError | null = null;
  let finished: Promise<{ size: number; sha256: string }> | null = null;

  const fail = (error: UploadWriteError): Promise<never> => {
    failure ??= error;
    return Promise.reject(failure);
  };

  const append = (data: Buffer): void => {
    const position = nextOffset;
    nextOffset += data.length;
    hash.update(data);
    bufferedBytes += data.length;
    diskChain = diskChain.then(async () => {
      if (failure) return;
      try {
        let written = 0;
        while (written < data.length) {
          const result = await fileHandle.write(
            data,
            written,
            data.length - written,
            position + written,
          );
          written += result.bytesWritten;
        }
      } catch (error) {
        failure ??= new UploadWriteError('io_error', { cause: error });
      } finally {
        bufferedBytes -= data.length;
      }
    });
  };

  const overlapsWaiting = (start: number, end: number): boolean => {
    for (const [waitingStart, chunk] of waiting) {
      if (start < waitingStart + chunk.length && waitingStart < end) return true;
    }
    return false;
  };

  return {
    get size() {
      return nextOffset;
    },

    write(offset, data) {
      if (failure) return Promise.reject(failure);
      if (finished) return Promise.reject(new UploadWriteError('closed'));
      if (!Number.isSafeInteger(offset) || offset < 0) {
        return fail(new UploadWriteError('overlapping_write'));
      }
      const end = offset + data.length;
      if (end > maxBytes) return fail(new UploadWriteError('too_large'));
      if (data.length === 0) return Promise.resolve();
      if (offset < nextOffset || overlapsWaiting(offset, end)) {
        return fail(new UploadWriteError('overlapping_write'));
      }
      if (bufferedBytes + data.length > maxBufferedBytes) {
        return fail(new UploadWriteError('buffer_full'));
      }
      if (offset > nextOffset) {
        waiting.set(offset, data);
        bufferedBytes += data.length;
        return Promise.resolve();
      }
      append(data);
      // Drain chunks that were waiting for this one (append counts them again).
      for (let next = waiting.get(nextOffset); next; next = waiting.get(nextOffset)) {
        waiting.delete(nextOffset);
        bufferedBytes -= next.length;
        append(next);
      }
      return diskChain.then(() => (failure ? Promise.reject(failure) : undefined));
    },

    finish() {
      // Idempotent: a digest can be taken only once, and cleanup paths call this again.
      finished ??= diskChain.then(() => {
        if (failure) throw failure;
        if (waiting.size > 0) throw new UploadWriteError('incomplete');
        return { size: nextOffset, sha256: hash.digest('hex') };
      });
      return finished;
    },
  };
}
