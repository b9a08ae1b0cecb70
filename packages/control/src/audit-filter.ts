import { checkInstantRange, decimalInteger, ZAuditAction, ZInstant } from '@alliage/domain';
import { z } from 'zod';
import { ZAuditCursor } from './audit-cursor.ts';

/** Page size when a filter names none. */
export const DEFAULT_AUDIT_PAGE_SIZE = 100;

// No control characters: PostgreSQL refuses a NUL in a text parameter (a 500, not a 400).
const ZFilterText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');

/** `a,b` and `['a,b', 'c']` (a repeated query parameter) to `['a', 'b', 'c']`. */
function splitActions(value: unknown): unknown {
  const parts = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string')) return value;
  return parts
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * A query on the audit chain. Accepts query-string shapes too: dates and numbers
 * as strings, `action` as an array or `a,b` text. `from` is inclusive, `to`
 * exclusive and after `from`; both are a valid `Date` or ISO text (a date, or a
 * date-time with its offset) in years 0001 to 9999, so a caller other than the HTTP
 * API (the CLI) gets an error naming the field, not the database's. Unknown keys are
 * refused, so a misspelt filter cannot silently return everything.
 */
export const ZAuditFilter = z
  .strictObject({
    action: z.preprocess(splitActions, z.array(ZAuditAction).min(1)).optional(),
    /** Actions left out (a view's policy, e.g. a member's: never offered in a query string). */
    excludeAction: z.array(ZAuditAction).min(1).optional(),
    organisationCode: ZFilterText.optional(),
    actor: ZFilterText.optional(),
    objectType: ZFilterText.optional(),
    objectId: ZFilterText.optional(),
    instructionVersion: decimalInteger(1, 2_147_483_647).optional(),
    from: ZInstant.optional(),
    to: ZInstant.optional(),
    /** `nextCursor` of the previous page. */
    cursor: ZAuditCursor.optional(),
    /** 1..1000; DEFAULT_AUDIT_PAGE_SIZE when absent. */
    limit: decimalInteger(1, 1000).optional(),
  })
  .superRefine(checkInstantRange);
export type TAuditFilter = z.infer<typeof ZAuditFilter>;
/** A filter as callers may write it (query-string shapes, ISO text for `from` and `to`). */
export type TAuditFilterInput = z.input<typeof ZAuditFilter>;
