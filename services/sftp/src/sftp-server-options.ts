import type { TOrgKind } from '@alliage/domain';
import type { UploadBufferLimits, UploadBufferStats } from './create-upload-buffer-budget.ts';
import type { StorageArea } from './resolve-virtual-path.ts';
import type { ScheduleTimer } from './with-deadline.ts';

/** What `lookupAccount` returns for an organisation that may log in: its code, kind and SSH keys. */
export interface SftpAccount {
  organisationCode: string;
  kind: TOrgKind;
  /**
   * The areas it may see, when not all those of its kind: an offboarded member sees
   * `reports` only, to fetch its offboarding export (no upload area).
   */
  areas?: StorageArea[];
  /** Registered OpenSSH public key lines, e.g. `ssh-ed25519 AAAA… comment`. */
  publicKeys: string[];
}

/** A completed upload handed to the control plane, once its bytes are final on disk. */
export interface SftpUpload {
  organisationCode: string;
  fileName: string;
  /** Final path on disk, inside `<storageRoot>/<ORG>/in/`. */
  path: string;
  size: number;
  sha256: string;
}

/** The audit events this service emits; names come from the platform's closed list. */
export type SftpEventAction =
  | 'sftp.login'
  | 'sftp.login_failed'
  | 'sftp.denied'
  | 'sftp.session_expired'
  | 'file.received'
  | 'file.downloaded';

/** One audit event: who (organisation, address), what, and ids/counts in `details` (never content). */
export interface SftpEvent {
  action: SftpEventAction;
  organisationCode: string | null;
  remoteAddress: string;
  details: Record<string, unknown>;
}

/** A pino-compatible logger; this service logs ids and counts only. */
export interface SftpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Brute-force defence: after `failuresBeforeBan` failed logins an address is banned, doubling each time. */
export interface SftpBanPolicy {
  failuresBeforeBan: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** Everything the SFTP drop zone needs; the control plane and the queue come in as callbacks. */
export interface SftpServerOptions {
  /** OpenSSH/PEM private host keys. */
  hostKeys: string[];
  /** `<root>/<ORGCODE>/{in,reports,out}/` on disk. */
  storageRoot: string;
  /**
   * The organisation named by the SSH username (its code) with its non-revoked keys,
   * or null if unknown or inactive. Called at login and again during a session
   * (before each open, listing, stat, realpath and upload close, and every few
   * seconds during a transfer), so keep it a cheap read. During a session a lookup
   * that takes over 10 s fails the request (the answer, if it ever comes, is dropped).
   */
  lookupAccount(username: string): Promise<SftpAccount | null>;
  /**
   * Called when an upload handle is closed successfully, after the file is final;
   * must register the file and queue its job atomically. Throwing refuses the
   * upload: the client gets a failure and the final file is removed.
   */
  onUploadComplete(upload: SftpUpload): Promise<void>;
  /** Audit sink: logins, failed logins, timed-out sessions, uploads, downloads and denied operations. */
  onEvent(event: SftpEvent): Promise<void> | void;
  /** Default 2 GiB, enforced while writing. */
  maxUploadBytes?: number;
  /** Default 4 concurrent authenticated connections per organisation. */
  maxSessionsPerOrganisation?: number;
  /**
   * Upload bytes held in memory; defaults 8 MiB ahead of the bytes received in
   * order, 32 MiB per organisation, 128 MiB per process.
   */
  uploadBuffer?: Partial<UploadBufferLimits>;
  /** A session with no SFTP request for this long is closed; default 15 minutes. */
  idleTimeoutMs?: number;
  /** Any session is closed this long after login; default 6 hours. */
  maxSessionMs?: number;
  /** Default 5 failures, 60 s, 3600 s. */
  ban?: SftpBanPolicy;
  clock?: () => Date;
  /**
   * Starts the timers that bound a wait on the control plane or the disk (account
   * lookups, requests, `close()`); default `setTimeout`. Tests pass one driven by
   * their clock.
   */
  schedule?: ScheduleTimer;
  logger?: SftpLogger;
}

/** The running drop zone. */
export interface SftpServer {
  listen(port: number, host?: string): Promise<{ port: number }>;
  close(): Promise<void>;
  /** Upload bytes held in memory now and at most so far (monitoring, tests). */
  uploadBufferStats(): UploadBufferStats;
}
