import { addOrganisationKey, listOrganisationKeys, revokeOrganisationKey } from '@alliage/control';
import { AppError } from '@alliage/domain';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import {
  ZOrganisationCodeParams,
  ZOrganisationObjectParams,
  ZQueryFlag,
} from '../request-schemas.ts';

const ZKeyType = z.enum(['ssh', 'pgp']);

export const ZListKeysQuery = z
  .object({ type: ZKeyType.optional(), includeRevoked: ZQueryFlag.optional() })
  .strict();
export type TListKeysQuery = z.infer<typeof ZListKeysQuery>;

/** Body of `POST /v1/organisations/:code/keys`: an OpenSSH line or an armoured PGP public key. */
export const ZAddKeyBody = z
  .object({
    type: ZKeyType,
    publicKey: z.string().trim().min(1).max(100_000),
  })
  .strict();
export type TAddKeyBody = z.infer<typeof ZAddKeyBody>;

/** `GET /v1/organisations/:code/keys`: the organisation's SSH and PGP public keys. */
export const listKeysRoute = defineRoute({
  operationId: 'listOrganisationKeys',
  method: 'get',
  path: '/v1/organisations/:code/keys',
  summary: "List an organisation's public keys",
  tag: 'keys',
  roles: ['operator', 'compliance', 'member_admin', 'member_user', 'client_marketer'],
  scope: { param: 'code', label: 'organisation' },
  params: ZOrganisationCodeParams,
  query: ZListKeysQuery,
  handler: async ({ ctx, params, query }) =>
    listOrganisationKeys(ctx, {
      organisationCode: params.code,
      ...(query.type === undefined ? {} : { keyType: query.type }),
      includeRevoked: query.includeRevoked ?? false,
    }),
});

/** `POST /v1/organisations/:code/keys`: registers a public key (weak or malformed keys are refused). */
export const addKeyRoute = defineRoute({
  operationId: 'addOrganisationKey',
  method: 'post',
  path: '/v1/organisations/:code/keys',
  summary: 'Register a public key of an organisation',
  tag: 'keys',
  failures: ['conflict'],
  roles: ['operator'],
  params: ZOrganisationCodeParams,
  body: ZAddKeyBody,
  status: 201,
  handler: async ({ ctx, auth, params, body }) =>
    addOrganisationKey(ctx, auth.actor, {
      organisationCode: params.code,
      keyType: body.type,
      publicKey: body.publicKey,
    }),
});

/** `POST /v1/organisations/:code/keys/:id/revoke`: the key must belong to that organisation. */
export const revokeKeyRoute = defineRoute({
  operationId: 'revokeOrganisationKey',
  method: 'post',
  path: '/v1/organisations/:code/keys/:id/revoke',
  summary: 'Revoke a public key of an organisation',
  tag: 'keys',
  roles: ['operator'],
  params: ZOrganisationObjectParams,
  handler: async ({ ctx, auth, params }) => {
    const keys = await listOrganisationKeys(ctx, {
      organisationCode: params.code,
      includeRevoked: true,
    });
    if (!keys.some((key) => key.id === params.id)) {
      throw new AppError('not_found', `key ${params.id} not found`);
    }
    return revokeOrganisationKey(ctx, auth.actor, params.id);
  },
});

export const keyRoutes = [listKeysRoute, addKeyRoute, revokeKeyRoute];
