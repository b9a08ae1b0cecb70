import type { SFTPWrapper } from 'ssh2';
import { discardUpload } from './discard-upload.ts';
import { errorCode } from './error-code.ts';
import type { VirtualAccount } from './resolve-virtual-path.ts';
import { serveHandleRequests } from './serve-handle-requests.ts';
import { servePathRequests } from './serve-path-requests.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { createSftpSession, type SftpSessionHooks } from './sftp-session.ts';
import { REQUEST_EVENTS } from './sftp-session-limits.ts';

export type { SftpSessionHooks } from './sftp-session.ts';

/** The SFTP session of one connection. */
export interface SftpSessionHandle {
  /** Closes every handle and discards unfinished uploads; returns how many (0 once ended). */
  end(): number;
}

/**
 * Answers every SFTP request of one authenticated organisation. Each path goes
 * through `resolveVirtualPath` and, before the disk is touched, `inspectDiskPath`;
 * each handle is a random id valid only in this session. Uploads are write-once:
 * rename, remove, mkdir, setstat and links are refused. A session that ends with
 * uploads still open (dropped connection) discards them: no final file, no temp
 * file, no `onUploadComplete`.
 *
 * The account is looked up again before every OPEN, OPENDIR, STAT, LSTAT, REALPATH
 * and FSTAT and before an upload is published on CLOSE, and at least every
 * `ACCOUNT_RECHECK_MS` for READ and WRITE on an open handle: once the organisation
 * is suspended or the login key revoked, the request is refused and the whole
 * session closed, so a leaked key or a suspended client cannot go on listing,
 * probing paths, downloading or uploading, even through a handle opened before. WRITE
 * data that waits for such a lookup counts in the upload buffer budget like data
 * waiting for a gap (`holdUploadChunk`). At most `MAX_OPEN_UPLOADS` uploads are open at once.
 *
 * Nothing waits for ever: a lookup past `ACCOUNT_LOOKUP_TIMEOUT_MS` fails the requests
 * waiting on it (the session stays: the next request looks again), and a request
 * still unanswered after `REQUEST_TIMEOUT_MS` (a stalled disk; `publishTimeoutMs` for the
 * CLOSE that publishes an upload) is answered FAILURE.
 * Its work cannot be cancelled and goes on; when it ends, it answers nothing more,
 * gives back what it opened and publishes nothing.
 *
 * @example
 * session.on('sftp', (accept) => serveSftpSession(context, connection, account, accept(), hooks));
 */
export function serveSftpSession(
  context: ServerContext,
  connection: ConnectionInfo,
  account: VirtualAccount,
  sftp: SFTPWrapper,
  hooks: SftpSessionHooks,
): SftpSessionHandle {
  const { logger } = context;
  const { connectionId } = connection;
  const { organisationCode } = account;
  const session = createSftpSession(context, connection, account, sftp, hooks);
  const { handles } = session;
  for (const event of REQUEST_EVENTS) sftp.on(event, hooks.onRequest);
  servePathRequests(session);
  serveHandleRequests(session);

  const end = (): number => {
    if (session.ended) return 0;
    session.ended = true;
    let uploadsDiscarded = 0;
    for (const state of handles.values()) {
      if (state.kind === 'upload') {
        uploadsDiscarded += 1;
        logger.warn(
          { connectionId, organisationCode, bytesReceived: state.writer.size },
          'upload abandoned: session ended before close',
        );
        void discardUpload(context, state).catch((error: unknown) => {
          logger.warn({ connectionId, organisationCode, err: errorCode(error) }, 'discard failed');
        });
      } else if (state.kind === 'download') {
        void state.fileHandle.close().catch(() => undefined);
      }
    }
    handles.clear();
    return uploadsDiscarded;
  };
  // The client sent EOF (OpenSSH `sftp` at the end of a batch): like sftp-server
  // exiting, close our side too, or the client waits forever for the channel to close.
  sftp.on('end', () => {
    end();
    sftp.end();
  });
  sftp.on('close', end);
  return { end };
}
