import { createPrincipal, listPrincipals } from '@alliage/control';
import { ZOrgCode, ZRole } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import { ZOrganisationCodeParams } from '../request-schemas.ts';

/** Body of `POST /v1/principals`: staff roles take `organisationCode: null`. */
export const ZCreatePrincipalBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: ZRole,
    organisationCode: ZOrgCode.nullable(),
  })
  .strict();
export type TCreatePrincipalBody = z.infer<typeof ZCreatePrincipalBody>;

/** `GET /v1/organisations/:code/principals`: who may act for an organisation. */
export const listOrganisationPrincipalsRoute = defineRoute({
  operationId: 'listOrganisationPrincipals',
  method: 'get',
  path: '/v1/organisations/:code/principals',
  summary: "List an organisation's principals",
  tag: 'principals',
  roles: ['operator', 'compliance', 'member_admin'],
  scope: { param: 'code', label: 'organisation' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => listPrincipals(ctx, { organisationCode: params.code }),
});

/** `POST /v1/principals`: a principal without a token (see `POST /v1/principals/:id/tokens`). */
export const createPrincipalRoute = defineRoute({
  operationId: 'createPrincipal',
  method: 'post',
  path: '/v1/principals',
  summary: 'Create a principal',
  tag: 'principals',
  roles: ['operator'],
  body: ZCreatePrincipalBody,
  status: 201,
  handler: async ({ ctx, auth, body }) => createPrincipal(ctx, auth.actor, body),
});

export const principalRoutes = [listOrganisationPrincipalsRoute, createPrincipalRoute];
