import type { TFieldIssue } from '@alliage/domain';
import type { z } from 'zod';

/** Unknown keys are caller-chosen text: keep them short in what we send back. */
const MAX_KEY_LENGTH = 64;

/**
 * Turns zod issues into field issues under `where` (`body`, `query`, `params`):
 * the path and zod's message, never the value; an unknown key becomes one issue
 * naming that key.
 *
 * @example
 * toFieldIssues(result.error, 'body'); // [{ path: 'body.code', message: 'must be 2-16 …' }]
 */
export function toFieldIssues(error: z.ZodError, where: string): TFieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = [where, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...base, key.slice(0, MAX_KEY_LENGTH)].join('.'),
        message: 'unknown field',
      }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}
