import { z } from 'zod';

/** Years 0001 to 9999 (UTC): what PostgreSQL and PGlite store in a timestamptz without refusing it. */
function isStorableInstant(date: Date): boolean {
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

const STORABLE_YEARS = 'must fall in years 0001 to 9999';

/**
 * An instant written as text: an ISO date (midnight UTC) or an ISO date-time with its
 * offset, in years 0001 to 9999 — never a loose `Date` parse (`12345`, `yesterday`,
 * `2026-02-30` rolled into March, a local time).
 *
 * @example
 * z.object({ from: ZIsoInstant.optional() }).parse({ from: '2026-05-01' }); // { from: Date }
 */
export const ZIsoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value))
  .refine(isStorableInstant, STORABLE_YEARS);

/**
 * An instant given by a program: a valid `Date`, or text as `ZIsoInstant` reads it, in
 * years 0001 to 9999.
 *
 * @example
 * ZInstant.parse(new Date()); ZInstant.parse('2026-05-01T10:00:00+02:00');
 */
export const ZInstant = z.union([
  z
    .date('must be a valid date or an ISO date or date-time with its offset')
    .refine(isStorableInstant, STORABLE_YEARS),
  ZIsoInstant,
]);

/**
 * A `superRefine` check for a `from`/`to` range (`to` exclusive): `to` must be after `from`.
 *
 * @example
 * z.object({ from: ZInstant.optional(), to: ZInstant.optional() }).superRefine(checkInstantRange);
 */
export function checkInstantRange(
  { from, to }: { from?: Date | undefined; to?: Date | undefined },
  context: z.RefinementCtx,
): void {
  if (from !== undefined && to !== undefined && to.getTime() <= from.getTime()) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  }
}
