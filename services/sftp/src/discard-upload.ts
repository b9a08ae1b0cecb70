import { rm } from 'node:fs/promises';
import type { UploadState } from './begin-upload.ts';
import { dropHeldChunks } from './hold-upload-chunk.ts';
import type { ServerContext } from './server-context.ts';

/**
 * Throws an upload away: gives back at once the bytes waiting for the account
 * re-check, waits for writes already on their way to disk, closes the temp file,
 * deletes it and frees the name. Idempotent; the promise is registered with the
 * server so `close()` can wait for it.
 *
 * @example
 * await discardUpload(context, upload);
 */
export function discardUpload(context: ServerContext, upload: UploadState): Promise<void> {
  if (upload.discarding) return upload.discarding;
  upload.phase = 'failed';
  // Now, not when the re-check they wait for answers: that may take long.
  dropHeldChunks(context, upload);
  const discarding = (async () => {
    // finish() settles once the disk chain is drained; its verdict no longer matters.
    await upload.writer.finish().catch(() => undefined);
    await upload.fileHandle.close().catch(() => undefined);
    try {
      await rm(upload.tempPath, { force: true });
    } finally {
      // The temp file's name is random: a failed delete must not keep the name taken.
      context.uploadsInProgress.delete(upload.reservation);
    }
  })();
  upload.discarding = discarding;
  context.pendingCleanups.add(discarding);
  void discarding.finally(() => context.pendingCleanups.delete(discarding)).catch(() => undefined);
  return discarding;
}
