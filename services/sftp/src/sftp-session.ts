import { randomBytes } from 'node:crypto';
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';
import type { DownloadState } from './begin-download.ts';
import type { UploadState } from './begin-upload.ts';
import type { AccountCheck, AccountVerdict } from './create-account-check.ts';
import { errorCode } from './error-code.ts';
import { inspectDiskPath } from './inspect-disk-path.ts';
import {
  type ResolvedPath,
  resolveVirtualPath,
  type VirtualAccount,
} from './resolve-virtual-path.ts';
import type { ConnectionInfo, ServerContext } from './server-context.ts';
import { refuse, SFTP_STATUS, type SftpRefusal } from './sftp-refusal.ts';
import {
  ACCOUNT_CHECK_TIMEOUT_MESSAGE,
  MAX_OPEN_HANDLES,
  REQUEST_TIMEOUT_MESSAGE,
  REQUEST_TIMEOUT_MS,
} from './sftp-session-limits.ts';
import { toSftpAttributes, virtualDirectoryAttributes } from './to-sftp-attributes.ts';
import { isDeadlineExceeded, withDeadline } from './with-deadline.ts';

interface DirectoryState {
  kind: 'directory';
  entries: FileEntry[];
  position: number;
}
/** What a handle of the session stands for. */
export type HandleState = UploadState | DownloadState | DirectoryState;
/** A client path the account may name. */
export type Resolved = Extract<ResolvedPath, { ok: true }>;

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
 * One SFTP session's state and the plumbing every request handler shares: answering
 * (never twice, never after the end), refusing with an audit event, re-checking the
 * account, running a handler under its deadline, resolving paths and keeping handles.
 */
export interface TSftpSession {
  context: ServerContext;
  connection: ConnectionInfo;
  account: VirtualAccount;
  sftp: SFTPWrapper;
  hooks: SftpSessionHooks;
  /** Open handles by hex id. */
  handles: Map<string, HandleState>;
  /** Upload handles held or being opened; counted apart from `handles` so concurrent OPENs cannot overshoot. */
  uploadSlots: number;
  ended: boolean;
  /**
   * Requests answered FAILURE at their deadline whose work still runs: they get no
   * second answer. Keyed by request id: clients number requests in sequence, so an
   * id comes back only after 2^32 requests.
   */
  timedOut: Set<number>;
  canAnswer(reqId: number): boolean;
  status(reqId: number, code: number, message?: string): void;
  deny(reqId: number, operation: string, refusal: SftpRefusal): void;
  refuseAccount(reqId: number, operation: string, verdict: AccountVerdict): void;
  accountAllows(reqId: number, operation: string, freshness?: 'now' | 'recent'): Promise<boolean>;
  run(reqId: number, operation: string, task: () => Promise<void>, timeoutMs?: number): void;
  resolve(reqId: number, operation: string, clientPath: string): Resolved | null;
  attributesOf(resolved: Resolved): Promise<Attributes | SftpRefusal>;
  addHandle(state: HandleState): Buffer | null;
  handleOf(handle: Buffer): HandleState | undefined;
}

/**
 * The state of a new SFTP session of `account` on `connection`, with its shared plumbing.
 *
 * @example
 * const session = createSftpSession(context, connection, account, sftp, hooks);
 */
export function createSftpSession(
  context: ServerContext,
  connection: ConnectionInfo,
  account: VirtualAccount,
  sftp: SFTPWrapper,
  hooks: SftpSessionHooks,
): TSftpSession {
  const { logger } = context;
  const { connectionId, remoteAddress } = connection;
  const { organisationCode } = account;
  const handles = new Map<string, HandleState>();
  const timedOut = new Set<number>();

  /** False once the session ended or the request was answered at its deadline. */
  const canAnswer = (reqId: number): boolean => !session.ended && !timedOut.has(reqId);

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
    const unanswered = session.ended
      ? 'session_ended'
      : timedOut.has(reqId)
        ? 'request_timeout'
        : null;
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
    if (session.ended) return;
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

  const session: TSftpSession = {
    context,
    connection,
    account,
    sftp,
    hooks,
    handles,
    uploadSlots: 0,
    ended: false,
    timedOut,
    canAnswer,
    status,
    deny,
    refuseAccount,
    accountAllows,
    run,
    resolve,
    attributesOf,
    addHandle,
    handleOf,
  };
  return session;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** A client path fit for an audit event: no control characters, bounded length. */
function printable(clientPath: string): string {
  return String(clientPath).replace(CONTROL_CHARACTERS, '?').slice(0, 256);
}
