import { AppError } from '@alliage/domain';
import type { z } from 'zod';
import { toFieldIssues } from './to-field-issues.ts';

/**
 * Parses one part of a request (`params`, `query` or `body`) with its schema, or
 * throws AppError validation_failed listing the offending fields (never their values).
 *
 * @example
 * const body = parseRequestPart(ZOrganisationInput, req.body, 'body');
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'params' | 'query' | 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = toFieldIssues(result.error, where);
  const paths = [...new Set(fields.map((field) => field.path))];
  throw new AppError('validation_failed', `invalid ${where}: ${paths.join(', ')}`, { fields });
}
