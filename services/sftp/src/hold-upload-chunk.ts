import type { UploadState } from './begin-upload.ts';
import type { ServerContext } from './server-context.ts';

/** A WRITE's bytes kept in memory until the account re-check answers; `data` is null once given back. */
export interface HeldChunk {
  data: Buffer | null;
}

/**
 * Counts a WRITE's bytes in the organisation's upload budget while they wait for
 * the account re-check, so a slow control plane cannot make the server hold more
 * than the budget. Returns null (nothing taken) when the budget is full: the caller
 * refuses the write as `buffer_full`, like the writer would. The bytes go back with
 * `takeHeldChunk` when the check answers, or with `dropHeldChunks` when the upload is
 * thrown away first.
 *
 * @example
 * const held = holdUploadChunk(context, upload, chunk); // → HeldChunk | null
 */
export function holdUploadChunk(
  context: ServerContext,
  upload: UploadState,
  data: Buffer,
): HeldChunk | null {
  if (!context.uploadBuffer.tryReserve(upload.organisationCode, data.length)) return null;
  const held = { data };
  upload.held.add(held);
  return held;
}

/**
 * Gives a held chunk's bytes back to the budget and returns them, or null when the
 * upload was discarded meanwhile. A caller that passes them on to the writer does so
 * in the same tick, so they are never counted twice nor left uncounted.
 */
export function takeHeldChunk(
  context: ServerContext,
  upload: UploadState,
  held: HeldChunk,
): Buffer | null {
  const { data } = held;
  if (data === null) return null;
  held.data = null;
  upload.held.delete(held);
  context.uploadBuffer.release(upload.organisationCode, data.length);
  return data;
}

/** Gives back every chunk an upload holds for the account check (the upload is thrown away). */
export function dropHeldChunks(context: ServerContext, upload: UploadState): void {
  for (const held of [...upload.held]) takeHeldChunk(context, upload, held);
}
