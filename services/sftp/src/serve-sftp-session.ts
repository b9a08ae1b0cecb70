import { randomBytes } from 'node:crypto';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { beginDownload, type DownloadState } from './begin-download.ts';
import { beginUpload, type UploadState } from './begin-upload.ts';
import { completeUpload } from './complete-upload.ts';
import type { AccountCheck, AccountVerdict } from './create-account-check.ts';
import { UploadWriteError } from './create-upload-writer.ts';
import { discardUpload } from './discard-upload.ts';
import { errorCode } from './error-code.ts';
import { holdUploadChunk, takeHeldChunk } from './hold-upload-chunk.ts';
import { inspectDiskPath } from './inspect-disk-path.ts';
import { listDirectory } from './list-directory.ts';
import {
  areasForKind,
  type ResolvedPath,
  resolveVirtualPath,
  type VirtualAccount,
} from './resolve-virtual-path.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { isRefusal, refuse, SFTP_STATUS, type SftpRefusal } from './sftp-refusal.ts';
import {
  ACCOUNT_CHECK_TIMEOUT_MESSAGE,
  MAX_OPEN_HANDLES,
  MAX_OPEN_UPLOADS,
  MAX_READ_LENGTH,
  publishTimeoutMs,
  READDIR_BATCH,
  REQUEST_EVENTS,
  REQUEST_TIMEOUT_MESSAGE,
  REQUEST_TIMEOUT_MS,
  WRITE_REFUSAL_MESSAGES,
} from './sftp-session-limits.ts';
import { toLongname, toSftpAttributes, virtualDirectoryAttributes } from './to-sftp-attributes.ts';
import { isDeadlineExceeded, withDeadline } from './with-deadline.ts';

interface DirectoryState {
  kind: 'directory';
  entries: FileEntry[];
  position: number;
}
type HandleState = UploadState | DownloadState | DirectoryState;
type Resolved = Extract<ResolvedPath, { ok: true }>;

const { OPEN_MODE } = ssh2.utils.sftp;
const WRITE_FLAGS = OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC;
/** The SFTP session of one connection. */
export interface SftpSessionHandle {
  /** Closes every handle and discards unfinished uploads; returns how many (0 once ended). */
  end(): number;
}

/** What the connection lends its SFTP session. */
export interface SftpSessionHooks {
  /** Re-reads the account (organisation active, login key not revoked). */
  account: AccountCheck;
  /** Called on every request (the idle timeout). */
  onRequest(): void;
  /** Closes the connection; open uploads are discarded. */
  endSession(reason: string): void;
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
  const { connectionId, remoteAddress } = connection;
  const { organisationCode } = account;
  const handles = new Map<string, HandleState>();
  /** Upload handles held or being opened; counted apart from `handles` so concurrent OPENs cannot overshoot. */
  let uploadSlots = 0;
  let ended = false;
  /**
   * Requests answered FAILURE at their deadline whose work still runs: they get no
   * second answer. Keyed by request id: clients number requests in sequence, so an
   * id comes back only after 2^32 requests.
   */
  const timedOut = new Set<number>();
  for (const event of REQUEST_EVENTS) sftp.on(event, hooks.onRequest);

  /** False once the session ended or the request was answered at its deadline. */
  const canAnswer = (reqId: number): boolean => !ended && !timedOut.has(reqId);

  const status = (reqId: number, code: number, message?: string): void => {
    if (canAnswer(reqId)) sftp.status(reqId, code, message);
  };

  /**
   * Answers a refusal and records it as `sftp.denied`. A refusal found after the
   * client was answered FAILURE at the deadline (or after the session ended) is still
   * recorded — the request was not allowed —, with `unanswered` saying the client
   * never got it.
   */
  const deny = (reqId: number, operation: string, refusal: SftpRefusal): void => {
    const unanswered = ended ? 'session_ended' : timedOut.has(reqId) ? 'request_timeout' : null;
    status(reqId, refusal.status, refusal.message);
    if (!refusal.audit) return;
    void context.recordEvent({
      action: 'sftp.denied',
      organisationCode,
      remoteAddress,
      details: {
        connectionId,
        operation,
        reason: refusal.reason,
        ...refusal.details,
        ...(unanswered ? { unanswered } : {}),
      },
    });
  };

  /** Refuses a request for an account no longer allowed, and ends the session. */
  const refuseAccount = (reqId: number, operation: string, verdict: AccountVerdict): void => {
    // Requests that waited on the same lookup: the first closed the session and was audited.
    if (ended) return;
    deny(reqId, operation, refuse(SFTP_STATUS.PERMISSION_DENIED, verdict));
    hooks.endSession(verdict);
  };

  /**
   * True when the account may go on; otherwise the request is refused and the
   * session ended. `recent` (READ, WRITE) accepts a verdict up to `ACCOUNT_RECHECK_MS` old.
   */
  const accountAllows = async (
    reqId: number,
    operation: string,
    freshness: 'now' | 'recent' = 'now',
  ): Promise<boolean> => {
    const verdict = await (freshness === 'now'
      ? hooks.account.verify()
      : hooks.account.verifyRecent());
    if (verdict === 'active') return true;
    refuseAccount(reqId, operation, verdict);
    return false;
  };

  /**
   * Runs an async handler; an unexpected error becomes FAILURE (ENOENT: NO_SUCH_FILE),
   * a timed-out account lookup or request FAILURE with a "retry later" message.
   */
  const run = (
    reqId: number,
    operation: string,
    task: () => Promise<void>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): void => {
    const work = task();
    withDeadline(work, timeoutMs, context.schedule, 'request_timeout').catch((error: unknown) => {
      const code = errorCode(error);
      logger.warn({ connectionId, organisationCode, operation, err: code }, 'sftp request failed');
      if (isDeadlineExceeded(error, 'request_timeout')) {
        status(reqId, SFTP_STATUS.FAILURE, REQUEST_TIMEOUT_MESSAGE);
        timedOut.add(reqId);
        // Forgotten once the work ends, however it ends (its late failure is not logged).
        void work.catch(() => undefined).finally(() => timedOut.delete(reqId));
      } else if (isDeadlineExceeded(error, 'account_lookup_timeout')) {
        status(reqId, SFTP_STATUS.FAILURE, ACCOUNT_CHECK_TIMEOUT_MESSAGE);
      } else {
        status(reqId, code === 'ENOENT' ? SFTP_STATUS.NO_SUCH_FILE : SFTP_STATUS.FAILURE);
      }
    });
  };

  const resolve = (reqId: number, operation: string, clientPath: string): Resolved | null => {
    const resolved = resolveVirtualPath(account, clientPath);
    if (resolved.ok) return resolved;
    const code =
      resolved.reason === 'outside_namespace' || resolved.reason === 'hidden_name'
        ? SFTP_STATUS.NO_SUCH_FILE
        : SFTP_STATUS.PERMISSION_DENIED;
    deny(
      reqId,
      operation,
      refuse(code, resolved.reason, { details: { path: printable(clientPath) } }),
    );
    return null;
  };

  /** Attributes of a resolved path, or the refusal; never follows a link. */
  const attributesOf = async (resolved: Resolved): Promise<Attributes | SftpRefusal> => {
    if (resolved.kind === 'root') return virtualDirectoryAttributes(null, context.clock());
    const onDisk = await inspectDiskPath(context.storageRoot, [
      organisationCode,
      ...resolved.segments,
    ]);
    if (onDisk.state === 'refused') return refuse(SFTP_STATUS.PERMISSION_DENIED, 'symlink_on_disk');
    if (onDisk.state === 'missing')
      return refuse(SFTP_STATUS.NO_SUCH_FILE, 'not_found', { audit: false });
    const { stats } = onDisk;
    const visible =
      stats.isFile() ||
      (stats.isDirectory() && resolved.segments.length === 1) ||
      (stats.isDirectory() && resolved.area !== 'in');
    if (!visible) return refuse(SFTP_STATUS.NO_SUCH_FILE, 'not_found', { audit: false });
    return toSftpAttributes(stats, resolved.area);
  };

  const addHandle = (state: HandleState): Buffer | null => {
    if (handles.size >= MAX_OPEN_HANDLES) return null;
    const id = randomBytes(8);
    handles.set(id.toString('hex'), state);
    return id;
  };

  const handleOf = (handle: Buffer): HandleState | undefined => handles.get(handle.toString('hex'));

  sftp.on('REALPATH', (reqId, clientPath) => {
    const resolved = resolve(reqId, 'realpath', clientPath);
    if (!resolved) return;
    run(reqId, 'realpath', async () => {
      if (!(await accountAllows(reqId, 'realpath')) || !canAnswer(reqId)) return;
      const attrs = {} as Attributes; // OpenSSH answers REALPATH with empty attributes too
      sftp.name(reqId, [{ filename: resolved.virtualPath, longname: resolved.virtualPath, attrs }]);
    });
  });

  const onStat = (operation: string) => (reqId: number, clientPath: string) => {
    const resolved = resolve(reqId, operation, clientPath);
    if (!resolved) return;
    run(reqId, operation, async () => {
      // Before the disk: whether a file exists is already an answer.
      if (!(await accountAllows(reqId, operation))) return;
      const attrs = await attributesOf(resolved);
      if (isRefusal(attrs)) return deny(reqId, operation, attrs);
      if (canAnswer(reqId)) sftp.attrs(reqId, attrs);
    });
  };
  sftp.on('STAT', onStat('stat'));
  sftp.on('LSTAT', onStat('lstat'));

  sftp.on('OPENDIR', (reqId, clientPath) => {
    const resolved = resolve(reqId, 'opendir', clientPath);
    if (!resolved) return;
    run(reqId, 'opendir', async () => {
      if (!(await accountAllows(reqId, 'opendir'))) return;
      let entries: FileEntry[];
      if (resolved.kind === 'root') {
        entries = areasForKind(account.kind).map((area) => {
          const attrs = virtualDirectoryAttributes(area, context.clock());
          return { filename: area, longname: toLongname(area, attrs), attrs };
        });
      } else {
        const attrs = await attributesOf(resolved);
        if (isRefusal(attrs)) return deny(reqId, 'opendir', attrs);
        if ((attrs.mode & 0o170000) !== 0o040000) {
          return deny(
            reqId,
            'opendir',
            refuse(SFTP_STATUS.FAILURE, 'not_a_directory', { audit: false }),
          );
        }
        entries = await listDirectory(resolved.diskPath, resolved.area);
      }
      // Answered FAILURE at its deadline already: no handle the client cannot know of.
      if (!canAnswer(reqId)) return;
      const id = addHandle({ kind: 'directory', entries, position: 0 });
      if (!id) return status(reqId, SFTP_STATUS.FAILURE, 'Too many open handles');
      sftp.handle(reqId, id);
    });
  });

  sftp.on('READDIR', (reqId, handle) => {
    const state = handleOf(handle);
    if (state?.kind !== 'directory') return status(reqId, SFTP_STATUS.FAILURE, 'Invalid handle');
    if (state.position >= state.entries.length) return status(reqId, SFTP_STATUS.EOF);
    const batch = state.entries.slice(state.position, state.position + READDIR_BATCH);
    state.position += batch.length;
    if (canAnswer(reqId)) sftp.name(reqId, batch);
  });

  sftp.on('OPEN', (reqId, clientPath, flags) => {
    const resolved = resolve(reqId, 'open', clientPath);
    if (!resolved) return;
    const writing = (flags & WRITE_FLAGS) !== 0;
    if (writing && (flags & OPEN_MODE.READ) !== 0) {
      return deny(reqId, 'open', refuse(SFTP_STATUS.PERMISSION_DENIED, 'read_write_open'));
    }
    if (writing && uploadSlots >= MAX_OPEN_UPLOADS) {
      return status(reqId, SFTP_STATUS.FAILURE, 'Too many uploads open in this session');
    }
    if (writing) uploadSlots += 1;
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
        if (writing && !slotTaken) uploadSlots -= 1;
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
    if (state.kind === 'upload') uploadSlots -= 1;
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

  // Write-once drop zone: these are refused after resolution, so escape attempts are
  // audited with the same reasons as everywhere else.
  const refuseAfterResolving =
    (operation: string, code: number, reason: string) =>
    (reqId: number, ...paths: unknown[]) => {
      for (const clientPath of paths.filter((value) => typeof value === 'string')) {
        if (!resolve(reqId, operation, clientPath)) return;
      }
      deny(reqId, operation, refuse(code, reason));
    };
  sftp.on('REMOVE', refuseAfterResolving('remove', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('RMDIR', refuseAfterResolving('rmdir', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('MKDIR', refuseAfterResolving('mkdir', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('SETSTAT', refuseAfterResolving('setstat', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on('RENAME', refuseAfterResolving('rename', SFTP_STATUS.PERMISSION_DENIED, 'write_once'));
  sftp.on(
    'SYMLINK',
    refuseAfterResolving('symlink', SFTP_STATUS.PERMISSION_DENIED, 'links_unsupported'),
  );
  sftp.on(
    'READLINK',
    refuseAfterResolving('readlink', SFTP_STATUS.OP_UNSUPPORTED, 'links_unsupported'),
  );
  sftp.on('EXTENDED', (reqId) => status(reqId, SFTP_STATUS.OP_UNSUPPORTED));

  const end = (): number => {
    if (ended) return 0;
    ended = true;
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** A client path fit for an audit event: no control characters, bounded length. */
function printable(clientPath: string): string {
  return String(clientPath).replace(CONTROL_CHARACTERS, '?').slice(0, 256);
}
