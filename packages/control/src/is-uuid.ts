const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a canonical (hyphenated) UUID. Checked before querying a `uuid`
 * column, so a malformed id is a clean not_found instead of a PostgreSQL cast error.
 *
 * @example
 * if (!isUuid(tokenId)) throw new AppError('not_found', 'token not found');
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
