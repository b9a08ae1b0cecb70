import { isAppError } from '@alliage/domain';

/** What the queue may know and log about a handler's error: never its message, which may quote data. */
export interface TJobErrorClass {
  /** True when retrying cannot help: the job fails at once. */
  permanent: boolean;
  /** AppError code, a Node system code (`ECONNREFUSED`), or `internal`. */
  errorCode: string;
  errorName: string;
}

const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{1,40}$/;

/**
 * Sorts a handler's error: an `AppError` with `retry: false` (bad signature,
 * wrong recipient, malformed file) or BullMQ's `UnrecoverableError` is permanent;
 * anything else (network, database, a bug) is transient and retried.
 *
 * @example
 * classifyJobError(new AppError('validation_failed', 'bad row')).permanent; // true
 */
export function classifyJobError(error: unknown): TJobErrorClass {
  if (isAppError(error)) {
    return { permanent: !error.retry, errorCode: error.code, errorName: error.name };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      permanent: error.name === 'UnrecoverableError',
      errorCode: typeof code === 'string' && SYSTEM_CODE.test(code) ? code : 'internal',
      errorName: error.name,
    };
  }
  return { permanent: false, errorCode: 'internal', errorName: typeof error };
}
