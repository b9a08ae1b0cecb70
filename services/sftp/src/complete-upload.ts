import { link, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { UploadState } from './begin-upload.ts';
import { UploadWriteError } from './create-upload-writer.ts';
import { discardUpload } from './discard-upload.ts';
import { errorCode } from './error-code.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { refuse, SFTP_STATUS, type SftpRefusal } from './sftp-refusal.ts';

/** Filesystems without hard links; there the in-process reservation guards the name. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Finishes an upload on CLOSE, in this order:
 * 1. wait for every write; refuse if a gap was never filled; fsync and close the temp file;
 * 2. publish it under its final name with link(2), which fails rather than overwrite
 *    (another process may share the storage), then drop the temp name;
 * 3. hand it to `onUploadComplete` (register + queue); if that throws, delete the
 *    final file and refuse, so a file is never visible without being queued for long;
 * 4. emit `file.received`.
 * Returns null on success, or the refusal the client gets.
 *
 * `abandoned` is asked before the file is published and again before it is handed
 * to intake: once the client was answered FAILURE (its request timed out) or the
 * server stopped waiting (`close()` timed out), a disk that answers late must not
 * make the file appear — the upload is discarded instead. Only a hand-over to intake
 * already under way when that happens cannot be taken back.
 *
 * @example
 * const refusal = await completeUpload(context, connection, upload, () => false);
 */
export async function completeUpload(
  context: ServerContext,
  connection: ConnectionInfo,
  upload: UploadState,
  abandoned: () => boolean,
): Promise<SftpRefusal | null> {
  const { organisationCode, fileName, finalPath, tempPath } = upload;
  upload.phase = 'closing';

  let result: { size: number; sha256: string };
  try {
    result = await upload.writer.finish();
    await upload.fileHandle.sync();
    await upload.fileHandle.close();
  } catch (error) {
    await discardUpload(context, upload);
    const reason = error instanceof UploadWriteError ? error.reason : 'io_error';
    return refuse(SFTP_STATUS.FAILURE, reason, { details: { fileName } });
  }
  if (abandoned()) return giveUp(context, connection, upload, null);

  try {
    await publish(tempPath, finalPath);
  } catch (error) {
    await discardUpload(context, upload);
    if (errorCode(error) === 'EEXIST') {
      return refuse(SFTP_STATUS.FAILURE, 'already_exists', {
        message: 'File already exists',
        details: { fileName },
      });
    }
    throw error;
  }
  if (abandoned()) return giveUp(context, connection, upload, finalPath);

  try {
    await context.onUploadComplete({
      organisationCode,
      fileName,
      path: finalPath,
      size: result.size,
      sha256: result.sha256,
    });
  } catch (error) {
    await rm(finalPath, { force: true });
    context.uploadsInProgress.delete(upload.reservation);
    context.logger.warn(
      { connectionId: connection.connectionId, organisationCode, err: errorCode(error) },
      'upload refused by intake',
    );
    return refuse(SFTP_STATUS.FAILURE, 'upload_refused', {
      message: 'Upload refused',
      details: { fileName, size: result.size },
    });
  }

  context.uploadsInProgress.delete(upload.reservation);
  context.logger.info(
    { connectionId: connection.connectionId, organisationCode, size: result.size },
    'upload received',
  );
  await context.recordEvent({
    action: 'file.received',
    organisationCode,
    remoteAddress: connection.remoteAddress,
    details: {
      connectionId: connection.connectionId,
      fileName,
      size: result.size,
      sha256: result.sha256,
    },
  });
  return null;
}

/** Throws away an upload whose client was already answered (or the server closed); logs ids only. */
async function giveUp(
  context: ServerContext,
  connection: ConnectionInfo,
  upload: UploadState,
  publishedPath: string | null,
): Promise<SftpRefusal> {
  // Published already: the final name goes too, so the file never reaches intake.
  if (publishedPath) await rm(publishedPath, { force: true });
  await discardUpload(context, upload);
  context.logger.warn(
    { connectionId: connection.connectionId, organisationCode: upload.organisationCode },
    'upload not published: completed after its request was given up',
  );
  return refuse(SFTP_STATUS.FAILURE, 'request_timeout', { audit: false });
}

/** Gives the complete temp file its final name without ever replacing an existing file. */
async function publish(tempPath: string, finalPath: string): Promise<void> {
  try {
    await link(tempPath, finalPath);
  } catch (error) {
    if (!NO_HARD_LINKS.has(errorCode(error))) throw error;
    const exists = await stat(finalPath).then(
      () => true,
      () => false,
    );
    if (exists) throw Object.assign(new Error('final name taken'), { code: 'EEXIST' });
    await rename(tempPath, finalPath);
  }
  // From here the file is published: the rest is tidying and must not fail the upload.
  // A temp name left behind is hidden and harmless.
  await rm(tempPath, { force: true }).catch(() => undefined);
  // Make the new directory entry durable before the file is announced to intake.
  await open(dirname(finalPath), 'r')
    .then((directory) => directory.sync().finally(() => directory.close()))
    .catch(() => undefined);
}
