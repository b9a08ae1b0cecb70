import { ZOrgCode } from '@alliage/domain';
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
