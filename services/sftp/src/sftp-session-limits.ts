/** Limits and fixed tables of one SFTP session (`serveSftpSession`). */

/** Handles of any kind open at once in one session. */
export const MAX_OPEN_HANDLES = 32;
/**
 * Uploads open at once in one session (so 40 per organisation at the default 4
 * sessions): ssh2-sftp-client's uploadDir runs 10 in parallel, OpenSSH `sftp` one.
 * Each holds a temp file and a file descriptor; their memory is the shared budget's.
 */
export const MAX_OPEN_UPLOADS = 10;
/**
 * How long a request waits for the account lookup (`lookupAccount`, two indexed
 * reads). Past it the request fails and the next one starts a new lookup.
 */
export const ACCOUNT_LOOKUP_TIMEOUT_MS = 10_000;
/** What a client reads when the account lookup timed out. */
export const ACCOUNT_CHECK_TIMEOUT_MESSAGE = 'Server busy: account check timed out, retry later';
/**
 * How long a request that touches the disk (open, listing, stat, read, close) may
 * take before the client is answered FAILURE. A healthy disk answers in
 * milliseconds; publishing an upload (its fsync) gets more, see `publishTimeoutMs`.
 */
export const REQUEST_TIMEOUT_MS = 60_000;
/**
 * The slowest flush rate publishing an upload is given time for (a slow network
 * volume): the fsync at CLOSE may have to write most of a 2 GiB file.
 */
const PUBLISH_FLOOR_BYTES_PER_SECOND = 10 * 2 ** 20;

/**
 * How long the CLOSE that publishes an upload of `bytes` may take: the request
 * deadline plus the time to flush the file at `PUBLISH_FLOOR_BYTES_PER_SECOND`, so a
 * large file on a slow but working disk is not failed (2 GiB: ~265 s).
 *
 * @example
 * publishTimeoutMs(0) // 60000
 * publishTimeoutMs(2 ** 31) // 264800
 */
export function publishTimeoutMs(bytes: number): number {
  return REQUEST_TIMEOUT_MS + Math.ceil((bytes / PUBLISH_FLOOR_BYTES_PER_SECOND) * 1000);
}
/** What a client reads when its request timed out (the disk did not answer). */
export const REQUEST_TIMEOUT_MESSAGE = 'Server busy: storage not responding, retry later';
/** What a client reads when a write is refused; other reasons read "Upload failed". */
export const WRITE_REFUSAL_MESSAGES: Partial<Record<string, string>> = {
  too_large: 'File too large',
  too_far_ahead: 'Write too far ahead of the data received',
  buffer_full: 'Server busy: too much upload data pending, retry later',
  account_check_timeout: ACCOUNT_CHECK_TIMEOUT_MESSAGE,
};
/** Every SFTP v3 request: any of them counts as activity for the idle timeout. */
export const REQUEST_EVENTS = [
  'OPEN',
  'READ',
  'WRITE',
  'FSTAT',
  'FSETSTAT',
  'CLOSE',
  'OPENDIR',
  'READDIR',
  'LSTAT',
  'STAT',
  'REMOVE',
  'RMDIR',
  'REALPATH',
  'READLINK',
  'SETSTAT',
  'MKDIR',
  'RENAME',
  'SYMLINK',
  'EXTENDED',
] as const;
/** Largest READ answered, as OpenSSH's sftp-server. */
export const MAX_READ_LENGTH = 256 * 1024;
/** Entries per READDIR answer. */
export const READDIR_BATCH = 100;
/**
 * How long an account verdict stays good for requests on a handle already open
 * (READ, WRITE): a 2 GiB transfer is thousands of requests, so they re-use the
 * last verdict for this long instead of a lookup each; a suspension or a key
 * revocation thus stops a transfer in progress within this delay. Path requests
 * (OPEN, OPENDIR, STAT, LSTAT, REALPATH) and FSTAT always look the account up.
 */
export const ACCOUNT_RECHECK_MS = 5_000;
