import { getMemberDialect, setMemberDialect } from '@alliage/control';
import { ZDialectProfile } from '@alliage/domain';
import { defineRoute } from '../api-route.ts';
import { ZOrganisationCodeParams } from '../request-schemas.ts';

/** `GET /v1/members/:code/dialect`: how the member's exports are read (the default when unset). */
export const getDialectRoute = defineRoute({
  operationId: 'getMemberDialect',
  method: 'get',
  path: '/v1/members/:code/dialect',
  summary: "Read a member's file dialect profile",
  tag: 'files',
  roles: ['operator', 'compliance', 'member_admin', 'member_user'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => getMemberDialect(ctx, params.code),
});

/** `PUT /v1/members/:code/dialect`: sets the member's dialect profile (member admin or operator). */
export const setDialectRoute = defineRoute({
  operationId: 'setMemberDialect',
  method: 'put',
  path: '/v1/members/:code/dialect',
  summary: "Set a member's file dialect profile",
  tag: 'files',
  roles: ['operator', 'member_admin'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  body: ZDialectProfile,
  handler: async ({ ctx, auth, params, body }) =>
    setMemberDialect(ctx, auth.actor, params.code, body),
});

export const dialectRoutes = [getDialectRoute, setDialectRoute];
