import type { z } from 'zod';
import { AppError, type TFieldIssue } from './app-error.ts';

/** Turns zod issues into field issues that name the path, never the value. */
export function toFieldIssues(error: z.ZodError, prefix = ''): TFieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses `input` with `schema` or throws a `validation_failed` AppError listing
 * the offending fields.
 *
 * @example
 * const body = parseInput(ZInstructionBody, req.body, 'body');
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where = '',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = toFieldIssues(result.error, where);
  throw new AppError(
    'validation_failed',
    `invalid ${where || 'input'}: ${fields.map((field) => field.path).join(', ')}`,
    { fields },
  );
}
