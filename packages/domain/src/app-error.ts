/** Stable error codes; the HTTP status of each is fixed in `HTTP_STATUS_BY_CODE`. */
export type TErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'locked'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS_BY_CODE: Record<TErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  locked: 423,
  unavailable: 503,
  internal: 500,
};

/** One offending field of a rejected input: where and why, never the value. */
export interface TFieldIssue {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Whether a worker should retry the job that raised it. */
  retry?: boolean;
  fields?: TFieldIssue[];
  cause?: unknown;
  /** When the caller may try again, in seconds (the HTTP API answers it as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * The one error type of Alliage. `message` is safe to show to the caller: it
 * names what and where, never personal data or internals.
 *
 * @example
 * throw new AppError('not_found', 'organisation M07 not found');
 */
export class AppError extends Error {
  readonly code: TErrorCode;
  readonly retry: boolean;
  readonly fields: TFieldIssue[];
  readonly retryAfterSeconds: number | null;

  constructor(code: TErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retry = options.retry ?? false;
    this.fields = options.fields ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** True when `error` is an AppError (also across module copies). */
export function isAppError(error: unknown): error is AppError {
  return (
    error instanceof AppError ||
    (error instanceof Error && error.name === 'AppError' && 'code' in error)
  );
}
