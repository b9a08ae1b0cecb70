import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { inspectDiskPath } from './inspect-disk-path.ts';
import type { ResolvedPath, StorageArea, VirtualAccount } from './resolve-virtual-path.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { refuse, SFTP_STATUS, type SftpRefusal } from './sftp-refusal.ts';

/** A file opened for reading from `reports/` or `out/`. */
export interface DownloadState {
  kind: 'download';
  area: StorageArea;
  /** Path inside the area, e.g. `2026-01-rejections.csv.pgp`. */
  fileName: string;
  fileHandle: FileHandle;
  size: number;
  bytesServed: number;
}

/**
 * Opens a file of `reports/` or `out/` for reading (never `in/`: members need not
 * read their drops back), without following links, and records `file.downloaded`
 * before a byte is served: if the audit sink fails, the download is refused.
 *
 * `abandoned` is asked before the event is recorded: once the client was answered
 * FAILURE (its OPEN timed out on a stalled disk) or the session ended, it gets no
 * handle, so no download is recorded and the file is closed (refusal
 * `request_abandoned`, not audited). Only an event already being recorded when the
 * deadline passes cannot be taken back; that is logged.
 *
 * @example
 * const download = await beginDownload(context, connection, account, resolved, () => false);
 */
export async function beginDownload(
  context: ServerContext,
  connection: ConnectionInfo,
  account: VirtualAccount,
  resolved: Extract<ResolvedPath, { ok: true }>,
  abandoned: () => boolean,
): Promise<DownloadState | SftpRefusal> {
  if (resolved.kind !== 'entry') return refuse(SFTP_STATUS.FAILURE, 'not_a_file', { audit: false });
  if (resolved.area === 'in') return refuse(SFTP_STATUS.PERMISSION_DENIED, 'write_only_area');

  const onDisk = await inspectDiskPath(context.storageRoot, [
    account.organisationCode,
    ...resolved.segments,
  ]);
  if (onDisk.state === 'refused') return refuse(SFTP_STATUS.PERMISSION_DENIED, 'symlink_on_disk');
  if (onDisk.state === 'missing') {
    return refuse(SFTP_STATUS.NO_SUCH_FILE, 'not_found', { audit: false });
  }
  if (!onDisk.stats.isFile()) return refuse(SFTP_STATUS.FAILURE, 'not_a_file', { audit: false });

  const fileHandle = await open(resolved.diskPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = await fileHandle.stat();
    if (!stats.isFile()) {
      await fileHandle.close();
      return refuse(SFTP_STATUS.FAILURE, 'not_a_file', { audit: false });
    }
    const fileName = resolved.segments.slice(1).join('/');
    if (abandoned()) {
      await fileHandle.close();
      context.logger.info(
        { connectionId: connection.connectionId, organisationCode: account.organisationCode },
        'download not recorded: its OPEN was given up (deadline passed or session ended)',
      );
      return refuse(SFTP_STATUS.FAILURE, 'request_abandoned', { audit: false });
    }
    const recorded = await context.recordEvent({
      action: 'file.downloaded',
      organisationCode: account.organisationCode,
      remoteAddress: connection.remoteAddress,
      details: {
        connectionId: connection.connectionId,
        area: resolved.area,
        fileName,
        size: stats.size,
      },
    });
    if (!recorded) {
      await fileHandle.close();
      return refuse(SFTP_STATUS.FAILURE, 'audit_unavailable', { audit: false });
    }
    if (abandoned()) {
      context.logger.warn(
        { connectionId: connection.connectionId, organisationCode: account.organisationCode },
        'download recorded but its OPEN was given up meanwhile (deadline passed or session ended)',
      );
    }
    return {
      kind: 'download',
      area: resolved.area,
      fileName,
      fileHandle,
      size: stats.size,
      bytesServed: 0,
    };
  } catch (error) {
    await fileHandle.close().catch(() => undefined);
    throw error;
  }
}
