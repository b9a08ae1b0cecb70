// DuckDB's words when a failed checkpoint (a full disk, an I/O error) invalidates an
// attached database: the checkpoint's own error, then every later use of it.
const POOL_INVALIDATED =
  /Checkpoint failed for database "pool"\. The database has been invalidated|Database "pool" has been invalidated/;

/**
 * Whether DuckDB has invalidated the attached pool: a checkpoint of it failed, and every
 * use of the catalog fails until it is detached and attached again (the file and its log
 * still hold every committed change; DuckDB writes a checkpoint's header last).
 *
 * @example
 * if (isPoolInvalidatedError(error)) await reattach();
 */
export function isPoolInvalidatedError(error: unknown): boolean {
  return error instanceof Error && POOL_INVALIDATED.test(error.message);
}
