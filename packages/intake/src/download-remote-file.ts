import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@alliage/domain';
import type SftpClient from 'ssh2-sftp-client';

/** What was written: byte count and SHA-256 (hex), measured on the way in. */
export interface TDownloadedFile {
  size: number;
  sha256: string;
}

/** Outcome of a download: the file, or why it was given up (its temp file is gone). */
export type TDownloadOutcome =
  | { ok: true; file: TDownloadedFile }
  | { ok: false; reason: 'too_large' };

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

class TooLargeError extends Error {}

/**
 * Streams a remote file into `localPath` (created exclusively, 0600, flushed to disk
 * before it resolves), hashing and counting the bytes as they pass; with `localPath`
 * null the bytes are only hashed and counted (a read-back check of an upload). Stops at
 * `maxBytes` (the file grew past the cap) and when the server sends nothing for
 * `idleTimeoutMs` (a stalled server must not hold the puller forever).
 *
 * @example
 * const outcome = await downloadRemoteFile(client, '/out/M01_customers.csv.pgp', tempPath, { maxBytes });
 */
export async function downloadRemoteFile(
  client: SftpClient,
  remotePath: string,
  localPath: string | null,
  options: { maxBytes: number; idleTimeoutMs?: number },
): Promise<TDownloadOutcome> {
  const hash = createHash('sha256');
  let size = 0;
  const idle = new AbortController();
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleTimeoutMs);
      size += chunk.length;
      if (size > options.maxBytes) {
        callback(new TooLargeError());
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      client.createReadStream(remotePath),
      meter,
      localPath === null
        ? new Writable({ write: (_chunk, _encoding, callback) => callback() })
        : createWriteStream(localPath, { flags: 'wx', mode: 0o600, flush: true }),
      { signal: idle.signal },
    );
    return { ok: true, file: { size, sha256: hash.digest('hex') } };
  } catch (error) {
    if (localPath !== null) await rm(localPath, { force: true });
    if (error instanceof TooLargeError) return { ok: false, reason: 'too_large' };
    if (idle.signal.aborted) {
      throw new AppError('unavailable', 'the remote server stopped sending a file', {
        retry: true,
        cause: error,
      });
    }
    throw new AppError('unavailable', 'a file could not be read from the remote server', {
      retry: true,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
