import {
  createOrganisation,
  getOrganisation,
  listOrganisations,
  updateOrganisation,
} from '@alliage/control';
import { ZOrganisationInput, ZOrganisationPatch, ZOrgKind, ZOrgStatus } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import { ZOrganisationCodeParams } from '../request-schemas.ts';

export const ZListOrganisationsQuery = z
  .object({ kind: ZOrgKind.optional(), status: ZOrgStatus.optional() })
  .strict();
export type TListOrganisationsQuery = z.infer<typeof ZListOrganisationsQuery>;

/** `GET /v1/organisations`: every organisation, optionally of one kind or status. */
export const listOrganisationsRoute = defineRoute({
  operationId: 'listOrganisations',
  method: 'get',
  path: '/v1/organisations',
  summary: 'List organisations',
  tag: 'organisations',
  roles: ['operator', 'compliance'],
  query: ZListOrganisationsQuery,
  handler: async ({ ctx, query }) => listOrganisations(ctx, query),
});

/** `POST /v1/organisations`: registers a member, a client or both. */
export const createOrganisationRoute = defineRoute({
  operationId: 'createOrganisation',
  method: 'post',
  path: '/v1/organisations',
  summary: 'Register an organisation',
  tag: 'organisations',
  failures: ['conflict'],
  roles: ['operator'],
  body: ZOrganisationInput,
  status: 201,
  handler: async ({ ctx, auth, body }) => createOrganisation(ctx, auth.actor, body),
});

/** `GET /v1/organisations/:code`: one organisation (its own principals may read it). */
export const getOrganisationRoute = defineRoute({
  operationId: 'getOrganisation',
  method: 'get',
  path: '/v1/organisations/:code',
  summary: 'Read one organisation',
  tag: 'organisations',
  roles: ['operator', 'compliance', 'member_admin', 'member_user', 'client_marketer'],
  scope: { param: 'code', label: 'organisation' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => getOrganisation(ctx, params.code),
});

/** `PATCH /v1/organisations/:code`: changes name, status or contract dates. */
export const updateOrganisationRoute = defineRoute({
  operationId: 'updateOrganisation',
  method: 'patch',
  path: '/v1/organisations/:code',
  summary: 'Change an organisation',
  tag: 'organisations',
  roles: ['operator'],
  params: ZOrganisationCodeParams,
  body: ZOrganisationPatch,
  handler: async ({ ctx, auth, params, body }) =>
    updateOrganisation(ctx, auth.actor, params.code, body),
});

export const organisationRoutes = [
  listOrganisationsRoute,
  createOrganisationRoute,
  getOrganisationRoute,
  updateOrganisationRoute,
];
