import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@alliage/domain';

export interface WriteOutboxFileOptions {
  /** The client's `out/` directory on disk; created 0700 when missing. */
  directory: string;
  /** Final name the client sees: `[A-Za-z0-9._-]`, at most 200 characters, not hidden. */
  fileName: string;
  /** The encrypted delivery. */
  data: Uint8Array;
}

export interface TOutboxFile {
  sizeBytes: number;
  /** Lower-case hex SHA-256 of the bytes on disk (equal to `data`'s). */
  sha256: string;
  /** Absolute path of the final file. */
  path: string;
}

const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,200}$/;
// Link-less filesystems (some network and FUSE mounts) answer these to link(2).
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS']);

/**
 * Writes a delivery into a client's `out/` so that it appears whole or not at all:
 * a hidden temporary `.<name>.partial-<random>` (0600, exclusive create, fsync) that
 * the SFTP service never lists, re-read to check size and SHA-256, then renamed to
 * its final name (never over an existing file: `conflict`) and the directory synced.
 * The temporary file is removed on any failure.
 *
 * @example
 * const { sha256, sizeBytes } = await writeOutboxFile({ directory: '/srv/alliage/C01/out', fileName, data: message });
 */
export async function writeOutboxFile(options: WriteOutboxFileOptions): Promise<TOutboxFile> {
  const { fileName, data } = options;
  if (!SAFE_FILE_NAME.test(fileName) || fileName.startsWith('.') || fileName.includes('..')) {
    throw new AppError(
      'validation_failed',
      'outbox file name must be 1-200 characters of A-Z a-z 0-9 . _ -, not hidden, without ..',
    );
  }
  const directory = path.resolve(options.directory);
  const finalPath = path.join(directory, fileName);
  const tempPath = path.join(directory, `.${fileName}.partial-${randomBytes(8).toString('hex')}`);
  const expectedSha256 = createHash('sha256').update(data).digest('hex');

  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new AppError('unavailable', 'outbox directory cannot be created', {
      retry: true,
      cause: error,
    });
  }

  let tempCreated = false;
  try {
    const handle = await open(tempPath, 'wx', 0o600);
    tempCreated = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await verifyWrittenFile(tempPath, data.byteLength, expectedSha256);
    await moveWithoutOverwrite(tempPath, finalPath);
    tempCreated = false;
    await syncDirectory(directory);
  } catch (error) {
    if (tempCreated) await unlink(tempPath).catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw new AppError('unavailable', 'writing the outbox file failed', {
      retry: true,
      cause: error,
    });
  }
  return { sizeBytes: data.byteLength, sha256: expectedSha256, path: finalPath };
}

async function verifyWrittenFile(
  filePath: string,
  sizeBytes: number,
  sha256: string,
): Promise<void> {
  const written = await readFile(filePath);
  const writtenSha256 = createHash('sha256').update(written).digest('hex');
  if (written.byteLength !== sizeBytes || writtenSha256 !== sha256) {
    throw new AppError(
      'unavailable',
      `outbox file read back ${written.byteLength} bytes with another checksum than the ${sizeBytes} written`,
      { retry: true },
    );
  }
}

/**
 * rename(2) silently replaces an existing file; link(2) refuses with EEXIST, atomically.
 * Where hard links are unsupported, an existence check before rename is the fallback
 * (a narrow race, acceptable: file names carry the delivery ID).
 */
async function moveWithoutOverwrite(tempPath: string, finalPath: string): Promise<void> {
  try {
    await link(tempPath, finalPath);
    await unlink(tempPath);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw alreadyThere(error);
    if (code === undefined || !NO_HARD_LINKS.has(code)) throw error;
  }
  const existing = await stat(finalPath).catch(() => null);
  if (existing !== null) throw alreadyThere();
  await rename(tempPath, finalPath);
}

function alreadyThere(cause?: unknown): AppError {
  return new AppError('conflict', 'an outbox file of that name already exists', { cause });
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
