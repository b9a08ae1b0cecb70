import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createUploadWriter, type UploadWriter } from './create-upload-writer.ts';
import type { HeldChunk } from './hold-upload-chunk.ts';
import { inspectDiskPath } from './inspect-disk-path.ts';
import { isSafeUploadName } from './is-safe-upload-name.ts';
import type { ResolvedPath, VirtualAccount } from './resolve-virtual-path.ts';
import type { ServerContext } from './server-context.ts';
import { refuse, SFTP_STATUS, type SftpRefusal } from './sftp-refusal.ts';

/** An upload between OPEN and CLOSE: bytes go to `tempPath`, hidden from every listing. */
export interface UploadState {
  kind: 'upload';
  organisationCode: string;
  fileName: string;
  finalPath: string;
  tempPath: string;
  /** Key in `context.uploadsInProgress`, released when the upload ends either way. */
  reservation: string;
  fileHandle: FileHandle;
  writer: UploadWriter;
  /** WRITEs waiting for the account re-check, their bytes counted in the upload budget. */
  held: Set<HeldChunk>;
  phase: 'open' | 'closing' | 'failed';
  /** Set once the upload is being thrown away, so cleanup runs once. */
  discarding: Promise<void> | null;
}

/**
 * Starts a write-once upload to `in/<name>`: only a plain, safe, new name directly
 * in `in/` is accepted (a name already in `in/` or being uploaded is refused, never
 * versioned or overwritten, so what a member sent is never silently replaced), and
 * the bytes go to `in/.upload-<random>.part`, created exclusively without following links.
 *
 * @example
 * const upload = await beginUpload(context, account, resolved); // → UploadState | SftpRefusal
 */
export async function beginUpload(
  context: ServerContext,
  account: VirtualAccount,
  resolved: Extract<ResolvedPath, { ok: true }>,
): Promise<UploadState | SftpRefusal> {
  if (resolved.kind !== 'entry') {
    return refuse(SFTP_STATUS.PERMISSION_DENIED, 'write_to_directory');
  }
  if (resolved.area !== 'in') {
    return refuse(SFTP_STATUS.PERMISSION_DENIED, 'read_only_area', {
      details: { area: resolved.area },
    });
  }
  if (resolved.segments.length !== 2) return refuse(SFTP_STATUS.PERMISSION_DENIED, 'nested_path');
  const fileName = resolved.name;
  if (!isSafeUploadName(fileName)) {
    return refuse(SFTP_STATUS.PERMISSION_DENIED, 'unsafe_name', {
      message: 'File name not allowed: use letters, digits, . _ - (max 128)',
    });
  }

  const reservation = `${account.organisationCode}/${fileName}`;
  if (context.uploadsInProgress.has(reservation)) {
    return refuse(SFTP_STATUS.FAILURE, 'name_in_use', {
      message: 'File is being uploaded',
      details: { fileName },
    });
  }
  // Reserved before any await: a second OPEN of the name arriving while this one checks
  // the disk (same session or another) is refused here, not at CLOSE after its upload.
  context.uploadsInProgress.add(reservation);
  let fileHandle: FileHandle;
  let tempPath: string;
  try {
    const onDisk = await inspectDiskPath(context.storageRoot, [
      account.organisationCode,
      ...resolved.segments,
    ]);
    if (onDisk.state === 'refused') {
      context.uploadsInProgress.delete(reservation);
      return refuse(SFTP_STATUS.PERMISSION_DENIED, 'symlink_on_disk');
    }
    if (onDisk.state === 'present') {
      context.uploadsInProgress.delete(reservation);
      return refuse(SFTP_STATUS.FAILURE, 'already_exists', {
        message: 'File already exists',
        details: { fileName },
      });
    }
    if (!onDisk.parentIsDirectory) {
      context.uploadsInProgress.delete(reservation);
      return refuse(SFTP_STATUS.NO_SUCH_FILE, 'missing_area');
    }
    tempPath = join(dirname(resolved.diskPath), `.upload-${randomBytes(12).toString('hex')}.part`);
    fileHandle = await open(
      tempPath,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o640,
    );
  } catch (error) {
    context.uploadsInProgress.delete(reservation);
    throw error;
  }
  return {
    kind: 'upload',
    organisationCode: account.organisationCode,
    fileName,
    finalPath: resolved.diskPath,
    tempPath,
    reservation,
    fileHandle,
    writer: createUploadWriter({
      fileHandle,
      maxBytes: context.maxUploadBytes,
      maxAheadBytes: context.uploadBufferLimits.maxAheadBytes,
      allowance: context.uploadBuffer.allowanceFor(account.organisationCode),
    }),
    held: new Set(),
    phase: 'open',
    discarding: null,
  };
}
