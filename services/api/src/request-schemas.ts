import { decimalInteger, ZIsoInstant, ZOrgCode } from '@alliage/domain';
import { z } from 'zod';

/** Path parameters of routes under `/v1/organisations/:code` and `/v1/members/:code`. */
export const ZOrganisationCodeParams = z.object({ code: ZOrgCode }).strict();
export type TOrganisationCodeParams = z.infer<typeof ZOrganisationCodeParams>;

/** A UUID, lower-cased as the database writes it. */
export const ZObjectId = z.guid('must be a UUID').transform((value) => value.toLowerCase());

/** Path parameter `:id` of a token, principal or key (a UUID). */
export const ZObjectIdParams = z.object({ id: ZObjectId }).strict();
export type TObjectIdParams = z.infer<typeof ZObjectIdParams>;

/** Path parameters of `/v1/organisations/:code/keys/:id/…`. */
export const ZOrganisationObjectParams = ZOrganisationCodeParams.extend({
  id: ZObjectId,
}).strict();
export type TOrganisationObjectParams = z.infer<typeof ZOrganisationObjectParams>;

/** A yes/no query flag: `1`, `true`, `0` or `false`. */
export const ZQueryFlag = z
  .enum(['1', 'true', '0', 'false'])
  .transform((value) => value === '1' || value === 'true');

/**
 * A whole number of a query string, in plain decimal digits between `min` and `max`:
 * not `0x10`, `1e2`, ` 5` or `1.0`, which `Number()` would take (`decimalInteger`).
 *
 * @example
 * z.object({ limit: queryInteger(1, 1000).optional() })
 */
export const queryInteger = decimalInteger;

/**
 * A text filter of a query string: trimmed, 1 to `max` characters, no control
 * characters (a NUL would make PostgreSQL fail rather than match nothing).
 */
export function queryText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters');
}

/** An instant of a query string: an ISO date or date-time with its offset, years 0001–9999. */
export const ZQueryInstant = ZIsoInstant;
