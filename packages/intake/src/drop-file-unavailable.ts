import { AppError, isAppError } from '@alliage/domain';

/** The `fields[0].path` that marks an AppError as "this drop's stored file cannot be used". */
const DROP_FILE_PATH = 'drop_file';

/**
 * The error of a drop whose encrypted file is gone from the platform's store, or whose
 * bytes are not the ones received: never retried (the file will not come back), the
 * drop is rejected as `file_unavailable` and the member sends the file again.
 *
 * @example
 * throw dropFileUnavailable('the encrypted file of this drop is no longer in the drop store');
 */
export function dropFileUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError('validation_failed', detail, {
    retry: false,
    fields: [{ path: DROP_FILE_PATH, message: 'file_unavailable' }],
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * True when `error` came from `dropFileUnavailable`.
 *
 * @example
 * if (isDropFileUnavailable(error)) return reject('file_unavailable', error.message);
 */
export function isDropFileUnavailable(error: unknown): error is AppError {
  return (
    isAppError(error) &&
    error.code === 'validation_failed' &&
    error.fields[0]?.path === DROP_FILE_PATH
  );
}
