import { ZRole } from '@alliage/domain';
import { defineRoute } from '../api-route.ts';

/** `GET /v1/me`: the principal behind the token. */
export const getMeRoute = defineRoute({
  operationId: 'getMe',
  method: 'get',
  path: '/v1/me',
  summary: 'The principal behind the bearer token',
  tag: 'me',
  roles: ZRole.options,
  handler: async ({ auth }) => ({
    id: auth.principal.id,
    name: auth.principal.name,
    role: auth.principal.role,
    organisationCode: auth.principal.organisationCode,
  }),
});

export const meRoutes = [getMeRoute];
