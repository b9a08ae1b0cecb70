import { createApiToken, createPrincipal, listApiTokens, revokeApiToken } from '@alliage/control';
import { ZOrgCode, ZRole } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import { ZObjectId, ZObjectIdParams } from '../request-schemas.ts';

const ZTokenName = z.string().trim().min(1).max(200);
const ZExpiresInDays = z.number().int().min(1).max(3650);

/** Body of `POST /v1/principals/:id/tokens`: no `expiresInDays` means no expiry. */
export const ZCreateTokenBody = z
  .object({
    name: ZTokenName.nullable().optional(),
    expiresInDays: ZExpiresInDays.nullable().optional(),
  })
  .strict();
export type TCreateTokenBody = z.infer<typeof ZCreateTokenBody>;

/** Body of `POST /v1/tokens` (the CLI's `token create`): a new principal and its token. */
export const ZCreatePrincipalTokenBody = ZCreateTokenBody.extend({
  organisationCode: ZOrgCode.nullable(),
  role: ZRole,
}).strict();
export type TCreatePrincipalTokenBody = z.infer<typeof ZCreatePrincipalTokenBody>;

export const ZListTokensQuery = z
  .object({ organisationCode: ZOrgCode.optional(), principalId: ZObjectId.optional() })
  .strict();
export type TListTokensQuery = z.infer<typeof ZListTokensQuery>;

/**
 * `POST /v1/tokens`: creates a principal and its token; the token is in this
 * answer only. Two control verbs, two transactions: the body is fully validated
 * first, so only a database failure can leave a principal without a token.
 */
export const createPrincipalTokenRoute = defineRoute({
  operationId: 'createPrincipalWithToken',
  method: 'post',
  path: '/v1/tokens',
  summary: 'Create a principal and its API token (shown once)',
  tag: 'tokens',
  roles: ['operator'],
  body: ZCreatePrincipalTokenBody,
  status: 201,
  handler: async ({ ctx, auth, body }) => {
    const name = body.name ?? null;
    const principal = await createPrincipal(ctx, auth.actor, {
      name: name ?? `${body.role} ${body.organisationCode ?? 'staff'}`,
      role: body.role,
      organisationCode: body.organisationCode,
    });
    const { token, apiToken } = await createApiToken(ctx, auth.actor, {
      principalId: principal.id,
      name,
      expiresInDays: body.expiresInDays ?? null,
    });
    return { principal, token, apiToken };
  },
});

/** `POST /v1/principals/:id/tokens`: another token for an existing principal. */
export const createTokenRoute = defineRoute({
  operationId: 'createToken',
  method: 'post',
  path: '/v1/principals/:id/tokens',
  summary: 'Create an API token for a principal (shown once)',
  tag: 'tokens',
  failures: ['conflict'],
  roles: ['operator'],
  params: ZObjectIdParams,
  body: ZCreateTokenBody,
  status: 201,
  handler: async ({ ctx, auth, params, body }) =>
    createApiToken(ctx, auth.actor, {
      principalId: params.id,
      name: body.name ?? null,
      expiresInDays: body.expiresInDays ?? null,
    }),
});

/** `GET /v1/tokens`: tokens (never their values), optionally of one organisation or principal. */
export const listTokensRoute = defineRoute({
  operationId: 'listTokens',
  method: 'get',
  path: '/v1/tokens',
  summary: 'List API tokens',
  tag: 'tokens',
  roles: ['operator'],
  query: ZListTokensQuery,
  handler: async ({ ctx, query }) => listApiTokens(ctx, query),
});

/** `POST /v1/tokens/:id/revoke`: the token stops working at once. */
export const revokeTokenRoute = defineRoute({
  operationId: 'revokeToken',
  method: 'post',
  path: '/v1/tokens/:id/revoke',
  summary: 'Revoke an API token',
  tag: 'tokens',
  roles: ['operator'],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, params }) => revokeApiToken(ctx, auth.actor, params.id),
});

export const tokenRoutes = [
  createPrincipalTokenRoute,
  createTokenRoute,
  listTokensRoute,
  revokeTokenRoute,
];
