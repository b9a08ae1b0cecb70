// SQLSTATE of unique_violation; node-pg and PGlite both expose it as `code`.
const UNIQUE_VIOLATION = '23505';

/**
 * True when a database error is a unique violation, optionally of one named
 * constraint. Lets an insert rely on the constraint instead of a racy pre-check.
 *
 * @example
 * if (isUniqueViolation(error, 'organisations_code_key')) throw new AppError('conflict', '...');
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  if (code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || violated === constraint;
}
