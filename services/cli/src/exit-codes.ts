import { isAppError } from '@alliage/domain';

export const EXIT_OK = 0;
/** A check failed (e.g. a broken audit chain) or an operation was refused. */
export const EXIT_CHECK_FAILED = 1;
/** The command line or its input was wrong. */
export const EXIT_USAGE = 2;

/** Maps an error to the CLI exit code: bad input is a usage error, the rest a failure. */
export function exitCodeFor(error: unknown): number {
  if (isAppError(error) && (error.code === 'validation_failed' || error.code === 'bad_request'))
    return EXIT_USAGE;
  return EXIT_CHECK_FAILED;
}
