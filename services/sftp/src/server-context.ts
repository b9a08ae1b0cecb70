import type { BanList } from './create-ban-list.ts';
import type { SessionCounter } from './create-session-counter.ts';
import type { UploadBufferBudget, UploadBufferLimits } from './create-upload-buffer-budget.ts';
import type { SftpEvent, SftpLogger, SftpServerOptions } from './sftp-server-options.ts';
import type { ScheduleTimer } from './with-deadline.ts';

/** What every connection of one server shares: settings, callbacks and in-memory state. */
export interface ServerContext {
  /** Canonical (realpath) storage root; every disk path is checked below it. */
  storageRoot: string;
  lookupAccount: SftpServerOptions['lookupAccount'];
  onUploadComplete: SftpServerOptions['onUploadComplete'];
  maxUploadBytes: number;
  bans: BanList;
  sessions: SessionCounter;
  uploadBuffer: UploadBufferBudget;
  uploadBufferLimits: UploadBufferLimits;
  idleTimeoutMs: number;
  maxSessionMs: number;
  /** `ORG/name` of uploads in progress in this process, so two sessions cannot race for a name. */
  uploadsInProgress: Set<string>;
  clock: () => Date;
  /** Starts the timers of deadlines (account lookups, requests, `close()`). */
  schedule: ScheduleTimer;
  logger: SftpLogger;
  /** Sends an audit event; false when the sink failed (callers decide whether to fail closed). */
  recordEvent(event: SftpEvent): Promise<boolean>;
  /** Cleanups still running (discarding temp files), awaited by `close()`. */
  pendingCleanups: Set<Promise<unknown>>;
  /**
   * Aborted when `close()` stopped waiting for `pendingCleanups`: work that completes
   * later (a stalled disk answering) must then publish nothing.
   */
  abandoned: AbortSignal;
}

/** One SSH connection: ids for logs and the address for events and bans. */
export interface ConnectionInfo {
  connectionId: string;
  remoteAddress: string;
}
