import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { UploadBufferAllowance } from './create-upload-buffer-budget.ts';

/** Why a write or the final check was refused. */
export type UploadWriteRefusal =
  | 'too_large'
  | 'overlapping_write'
  | 'too_far_ahead'
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
   * How far past the bytes received in order a write may end; default 8 MiB, four
   * times what OpenSSH `sftp` (64 × 32 KiB) and ssh2's fastPut (64 × 32 KiB) keep in flight.
   */
  maxAheadBytes?: number;
  /**
   * Where the bytes held in memory — waiting for an earlier gap, or queued for the
   * disk — are accounted; the server passes its shared budget. Default: 32 MiB for
   * this writer alone.
   */
  allowance?: UploadBufferAllowance;
}

export interface UploadWriter {
  /** Accepts `data` at `offset`; resolves once it is on disk, in file order. */
  write(offset: number, data: Buffer): Promise<void>;
  /** Waits for every write; fails when a gap was never filled. */
  finish(): Promise<{ size: number; sha256: string }>;
  /** Bytes accepted in sequence so far. */
  readonly size: number;
}

interface WaitingChunk {
  data: Buffer;
  resolve(): void;
  reject(error: UploadWriteError): void;
}

const DEFAULT_MAX_AHEAD_BYTES = 8 * 1024 * 1024;
const DEFAULT_PRIVATE_BYTES = 32 * 1024 * 1024;

/**
 * Streams an upload to its temp file while hashing it. SFTP WRITE carries an
 * offset and clients pipeline requests (ssh2's fastPut reads the local file in
 * parallel), so chunks may arrive ahead of a gap: they wait in memory until the gap
 * is filled, then go to disk and into SHA-256 in file order. A chunk ahead of a gap
 * is answered only once it is on disk, so a client's own request window (64 for
 * OpenSSH and fastPut) bounds what it makes us hold; one that pipelines more, or
 * never fills the gap, meets `maxAheadBytes` and the allowance and is refused.
 * Writes that overlap bytes already accepted are refused (uploads are write-once),
 * as is anything past `maxBytes` — checked before a byte is stored. Bookkeeping is
 * synchronous, in request order; only disk writes are chained.
 *
 * @example
 * const writer = createUploadWriter({ fileHandle, maxBytes: 2 ** 31 });
 * await writer.write(0, chunk);
 * const { size, sha256 } = await writer.finish();
 */
export function createUploadWriter(options: UploadWriterOptions): UploadWriter {
  const { fileHandle, maxBytes } = options;
  const maxAheadBytes = options.maxAheadBytes ?? DEFAULT_MAX_AHEAD_BYTES;
  const allowance = options.allowance ?? privateAllowance(DEFAULT_PRIVATE_BYTES);
  const hash = createHash('sha256');
  const waiting = new Map<number, WaitingChunk>();
  let nextOffset = 0;
  let diskChain: Promise<void> = Promise.resolve();
  let failure: UploadWriteError | null = null;
  let finished: Promise<{ size: number; sha256: string }> | null = null;

  /** Gives back what waits for a gap and answers those writes with the failure. */
  const dropWaiting = (error: UploadWriteError): void => {
    for (const chunk of waiting.values()) {
      allowance.release(chunk.data.length);
      chunk.reject(error);
    }
    waiting.clear();
  };

  const fail = (error: UploadWriteError): Promise<never> => {
    failure ??= error;
    dropWaiting(failure);
    return Promise.reject(failure);
  };

  /** Queues reserved bytes at the end of the file; resolves once they are on disk. */
  const append = (data: Buffer): Promise<void> => {
    const position = nextOffset;
    nextOffset += data.length;
    hash.update(data);
    diskChain = diskChain.then(async () => {
      try {
        if (failure) return;
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
        dropWaiting(failure);
      } finally {
        allowance.release(data.length);
      }
    });
    return diskChain.then(() => (failure ? Promise.reject(failure) : undefined));
  };

  const overlapsWaiting = (start: number, end: number): boolean => {
    for (const [waitingStart, chunk] of waiting) {
      if (start < waitingStart + chunk.data.length && waitingStart < end) return true;
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
      if (offset > nextOffset && end - nextOffset > maxAheadBytes) {
        return fail(new UploadWriteError('too_far_ahead'));
      }
      if (!allowance.tryReserve(data.length)) return fail(new UploadWriteError('buffer_full'));
      if (offset > nextOffset) {
        return new Promise<void>((resolve, reject) => {
          waiting.set(offset, { data, resolve, reject });
        });
      }
      const written = append(data);
      // Drain chunks that were waiting for this one; their reservation moves with them.
      for (let next = waiting.get(nextOffset); next; next = waiting.get(nextOffset)) {
        waiting.delete(nextOffset);
        append(next.data).then(next.resolve, next.reject);
      }
      return written;
    },

    finish() {
      // Idempotent: a digest can be taken only once, and cleanup paths call this again.
      finished ??= diskChain.then(() => {
        if (failure) throw failure;
        if (waiting.size > 0) {
          failure = new UploadWriteError('incomplete');
          dropWaiting(failure);
          throw failure;
        }
        return { size: nextOffset, sha256: hash.digest('hex') };
      });
      return finished;
    },
  };
}

/** A budget of one, for a writer used outside a server. */
function privateAllowance(maxBytes: number): UploadBufferAllowance {
  let held = 0;
  return {
    tryReserve(bytes) {
      if (held + bytes > maxBytes) return false;
      held += bytes;
      return true;
    },
    release(bytes) {
      held -= bytes;
    },
  };
}
