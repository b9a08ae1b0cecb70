/** Limits and fixed tables of one SFTP session (`serveSftpSession`). */

/** Handles of any kind open at once in one session. */
export const MAX_OPEN_HANDLES = 32;
/**
 * Uploads open at once in one session (so 40 per organisation at the default 4
 * sessions): ssh2-sftp-client's uploadDir runs 10 in parallel, OpenSSH `sftp` one.
 * Each holds a temp file and a file descriptor; their memory is the shared budget's.
 */
export const MAX_OPEN_UPLOADS = 10;
/** What a client reads when a write is refused; other reasons read "Upload failed". */
export const WRITE_REFUSAL_MESSAGES: Partial<Record<string, string>> = {
  too_large: 'File too large',
  too_far_ahead: 'Write too far ahead of the data received',
  buffer_full: 'Server busy: too much upload data pending, retry later',
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
