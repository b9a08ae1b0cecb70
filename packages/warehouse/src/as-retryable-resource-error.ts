import { AppError, isAppError } from '@alliage/domain';
import { duckdbErrorType } from './duckdb-error-type.ts';

/** The operating system's words for a full disk or an exhausted quota (ENOSPC, EDQUOT). */
const DISK_FULL = /No space left on device|Disk quota exceeded/i;

/**
 * Sorts a DuckDB failure of a load (after staging, which sorts its own reader's failures)
 * that says nothing about the file: running out of memory, or the pool's disk full
 * (writing the log at commit, or spilling to temp files). The load rolled back and may
 * succeed once memory or space is free, so it becomes `unavailable` with `retry`, naming
 * only DuckDB's error type (its message names files). Anything else is returned as it is.
 *
 * @example
 * try { await load(); } catch (error) { throw asRetryableResourceError(error); }
 */
export function asRetryableResourceError(error: unknown): unknown {
  if (isAppError(error) || !(error instanceof Error)) return error;
  const errorType = duckdbErrorType(error);
  if (errorType === 'Out of Memory') {
    return new AppError(
      'unavailable',
      'the pool ran out of memory loading the file (DuckDB Out of Memory Error; the file is not at fault); retry',
      { retry: true, cause: error },
    );
  }
  if (errorType !== 'unknown' && DISK_FULL.test(error.message)) {
    return new AppError(
      'unavailable',
      `the pool's disk is full: loading the file could not write to it (DuckDB ${errorType} Error; the file is not at fault); retry once space is freed`,
      { retry: true, cause: error },
    );
  }
  return error;
}
