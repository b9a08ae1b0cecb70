import type { Attributes } from 'ssh2';
import ssh2 from 'ssh2';
import { beginDownload } from './begin-download.ts';
import { beginUpload, type UploadState } from './begin-upload.ts';
import { completeUpload } from './complete-upload.ts';
import { UploadWriteError } from './create-upload-writer.ts';
import { discardUpload } from './discard-upload.ts';
import { errorCode } from './error-code.ts';
import { holdUploadChunk, takeHeldChunk } from './hold-upload-chunk.ts';
import { isRefusal, refuse, SFTP_STATUS } from './sftp-refusal.ts';
import type { TSftpSession } from './sftp-session.ts';
import {
  MAX_OPEN_UPLOADS,
  MAX_READ_LENGTH,
  publishTimeoutMs,
  REQUEST_TIMEOUT_MS,
  WRITE_REFUSAL_MESSAGES,
} from './sftp-session-limits.ts';
import { toSftpAttributes, virtualDirectoryAttributes } from './to-sftp-attributes.ts';
import { isDeadlineExceeded } from './with-deadline.ts';

const { OPEN_MODE } = ssh2.utils.sftp;
const WRITE_FLAGS = OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC;

/**
 * Answers the session's requests on file handles: OPEN (an upload, write-once, or a
 * download), WRITE, READ, FSTAT, FSETSTAT and CLOSE, which publishes an upload.
 *
 * @example
 * serveHandleRequests(createSftpSession(context, connection, account, sftp, hooks));
 */
export function serveHandleRequests(session: TSftpSession): void {
  const { context, connection, account, sftp, hooks, handles, timedOut } = session;
  const { canAnswer, status, deny, refuseAccount, accountAllows, run, resolve } = session;
  const { addHandle, handleOf } = session;
  const { logger } = context;
  const { connectionId } = connection;
  const { organisationCode } = account;

  sftp.on('OPEN', (reqId, clientPath, flags) => {
    const resolved = resolve(reqId, 'open', clientPath);
    if (!resolved) return;
    const writing = (flags & WRITE_FLAGS) !== 0;
    if (writing && (flags & OPEN_MODE.READ) !== 0) {
      return deny(reqId, 'open', refuse(SFTP_STATUS.PERMISSION_DENIED, 'read_write_open'));
    }
    if (writing && session.uploadSlots >= MAX_OPEN_UPLOADS) {
      return status(reqId, SFTP_STATUS.FAILURE, 'Too many uploads open in this session');
    }
    if (writing) session.uploadSlots += 1;
    run(reqId, 'open', async () => {
      let slotTaken = false;
      try {
        if (!(await accountAllows(reqId, 'open'))) return;
        const state = writing
          ? await beginUpload(context, account, resolved)
          : await beginDownload(context, connection, account, resolved, () => !canAnswer(reqId));
        if (isRefusal(state)) return deny(reqId, writing ? 'write' : 'read', state);
        // A session ended or a request answered at its deadline meanwhile: the file
        // opened late is closed (an upload's temp file deleted), never left behind.
        const id = canAnswer(reqId) ? addHandle(state) : null;
        if (!id) {
          if (state.kind === 'upload') await discardUpload(context, state);
          else await state.fileHandle.close();
          return status(reqId, SFTP_STATUS.FAILURE, 'Too many open handles');
        }
        if (state.kind === 'upload') {
          slotTaken = true;
          logger.info({ connectionId, organisationCode }, 'upload started');
        }
        sftp.handle(reqId, id);
      } finally {
        // The slot goes with the handle; without one it is free again.
        if (writing && !slotTaken) session.uploadSlots -= 1;
      }
    });
  });

  sftp.on('WRITE', (reqId, handle, offset, data) => {
    const state = handleOf(handle);
    if (!state) return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    if (state.kind !== 'upload') {
      return deny(reqId, 'write', refuse(SFTP_STATUS.PERMISSION_DENIED, 'read_only_handle'));
    }
    if (state.phase !== 'open') return status(reqId, SFTP_STATUS.FAILURE);
    // ssh2 may hand us a view on a reused buffer; we may hold it past this tick.
    const chunk = Buffer.from(data);
    if (hooks.account.recentlyActive()) return writeChunk(reqId, state, offset, chunk);
    // Held while the account is looked up again, the bytes count in the upload budget.
    const held = holdUploadChunk(context, state, chunk);
    if (!held) return failUpload(reqId, state, new UploadWriteError('buffer_full'));
    hooks.account.verify().then(
      (verdict) => {
        const heldChunk = takeHeldChunk(context, state, held);
        if (verdict !== 'active') return refuseAccount(reqId, 'write', verdict);
        if (!heldChunk) return status(reqId, SFTP_STATUS.FAILURE);
        // Same tick as `takeHeldChunk`: the writer takes the bytes back into the budget.
        // Chunks may reach it out of request order here; it places them by offset.
        writeChunk(reqId, state, offset, heldChunk);
      },
      (error: unknown) => {
        takeHeldChunk(context, state, held);
        // The control plane did not answer: a chunk cannot be left out, so the upload fails.
        logger.warn(
          { connectionId, organisationCode, err: errorCode(error) },
          'account check failed',
        );
        failUpload(reqId, state, error);
      },
    );
  });

  /** Hands a chunk to the upload's writer; answered once it is on disk. */
  const writeChunk = (reqId: number, state: UploadState, offset: number, chunk: Buffer): void => {
    if (state.phase !== 'open') {
      status(reqId, SFTP_STATUS.FAILURE);
      return;
    }
    state.writer.write(offset, chunk).then(
      () => status(reqId, SFTP_STATUS.OK),
      (error: unknown) => failUpload(reqId, state, error),
    );
  };

  /** Fails an upload at a refused write: the temp file is discarded, the client told why once. */
  const failUpload = (reqId: number, state: UploadState, error: unknown): void => {
    const reason =
      error instanceof UploadWriteError
        ? error.reason
        : isDeadlineExceeded(error, 'account_lookup_timeout')
          ? 'account_check_timeout'
          : 'io_error';
    const firstFailure = state.phase === 'open';
    void discardUpload(context, state);
    if (!firstFailure) {
      status(reqId, SFTP_STATUS.FAILURE);
      return;
    }
    const message = WRITE_REFUSAL_MESSAGES[reason] ?? 'Upload failed';
    deny(
      reqId,
      'write',
      refuse(SFTP_STATUS.FAILURE, reason, {
        message,
        // Policy refusals are audited; the platform's own failures are only logged.
        audit: error instanceof UploadWriteError && reason !== 'io_error',
        details: { fileName: state.fileName, maxBytes: context.maxUploadBytes },
      }),
    );
  };

  sftp.on('READ', (reqId, handle, offset, length) => {
    const state = handleOf(handle);
    if (!state) return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    if (state.kind !== 'download') {
      return deny(reqId, 'read', refuse(SFTP_STATUS.PERMISSION_DENIED, 'write_only_handle'));
    }
    run(reqId, 'read', async () => {
      if (!(await accountAllows(reqId, 'read', 'recent'))) return;
      const buffer = Buffer.alloc(Math.min(length, MAX_READ_LENGTH));
      const { bytesRead } = await state.fileHandle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) return status(reqId, SFTP_STATUS.EOF);
      if (!canAnswer(reqId)) return;
      state.bytesServed += bytesRead;
      sftp.data(reqId, buffer.subarray(0, bytesRead));
    });
  });

  sftp.on('FSTAT', (reqId, handle) => {
    const state = handleOf(handle);
    if (!state) return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    run(reqId, 'fstat', async () => {
      if (!(await accountAllows(reqId, 'fstat'))) return;
      let attrs: Attributes;
      if (state.kind === 'upload') {
        const now = context.clock();
        attrs = toSftpAttributes(
          {
            size: state.writer.size,
            atimeMs: now.getTime(),
            mtimeMs: now.getTime(),
            isDirectory: () => false,
          },
          'in',
        );
      } else if (state.kind === 'download') {
        attrs = toSftpAttributes(await state.fileHandle.stat(), state.area);
      } else {
        attrs = virtualDirectoryAttributes(null, context.clock());
      }
      if (canAnswer(reqId)) sftp.attrs(reqId, attrs);
    });
  });

  sftp.on('FSETSTAT', (reqId, handle) => {
    const state = handleOf(handle);
    if (!state) return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    // Clients set modes and times right after opening an upload (ssh2's WriteStream,
    // `put -p`); the platform owns those attributes, so it is accepted and ignored,
    // like AWS Transfer's no-op SETSTAT. Anything else is read-only.
    if (state.kind === 'upload' && state.phase === 'open') return status(reqId, SFTP_STATUS.OK);
    deny(reqId, 'fsetstat', refuse(SFTP_STATUS.PERMISSION_DENIED, 'read_only_handle'));
  });

  sftp.on('CLOSE', (reqId, handle) => {
    const key = handle.toString('hex');
    const state = handles.get(key);
    if (!state) return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    // Off the table first: a connection dropping from now on must not discard it.
    handles.delete(key);
    if (state.kind === 'upload') session.uploadSlots -= 1;
    run(
      reqId,
      'close',
      async () => {
        if (state.kind === 'directory') return status(reqId, SFTP_STATUS.OK);
        if (state.kind === 'download') {
          await state.fileHandle.close();
          logger.info(
            { connectionId, organisationCode, bytesServed: state.bytesServed, size: state.size },
            'download closed',
          );
          return status(reqId, SFTP_STATUS.OK);
        }
        if (state.phase === 'failed') {
          // Answered now, not after the discard: that waits for writes already on their
          // way to disk, and a stalled disk would leave the client (fastPut closes the
          // handle on an error before it reports it) without an answer. The discard goes
          // on in the background; the name stays taken until the temp file is gone.
          void discardUpload(context, state);
          return status(reqId, SFTP_STATUS.FAILURE, 'Upload failed');
        }
        // The file enters the platform now: the key that sent it must still be allowed.
        const verdict = await hooks.account.verify().catch(async (error: unknown) => {
          await discardUpload(context, state);
          throw error;
        });
        if (verdict !== 'active') {
          await discardUpload(context, state);
          return refuseAccount(reqId, 'close', verdict);
        }
        // Registered so that `close()` of the server waits for uploads being published.
        // Not published if the client was told FAILURE at the deadline, or `close()` gave up.
        const completing = completeUpload(
          context,
          connection,
          state,
          () => timedOut.has(reqId) || context.abandoned.aborted,
        );
        context.pendingCleanups.add(completing);
        const refusal = await completing.finally(() => context.pendingCleanups.delete(completing));
        if (refusal) return deny(reqId, 'close', refusal);
        status(reqId, SFTP_STATUS.OK);
      },
      state.kind === 'upload' ? publishTimeoutMs(state.writer.size) : REQUEST_TIMEOUT_MS,
    );
  });
}
