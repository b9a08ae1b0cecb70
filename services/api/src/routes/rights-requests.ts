import {
  AppError,
  ZRightsRequestAnswer,
  ZRightsRequestClosure,
  ZRightsRequestExtension,
  ZRightsRequestInput,
} from '@alliage/domain';
import {
  answerRightsRequest,
  closeRightsRequest,
  confirmRightsErasure,
  createRightsRequest,
  extendRightsRequest,
  readMemberRightsRequests,
  readRightsRequest,
  readRightsRequests,
  retryRightsRequest,
  type TRightsDeps,
} from '@alliage/rights';
import { z } from 'zod';
import { defineRoute } from '../api-route.ts';
import type { ApiDeps } from '../create-api-app.ts';
import {
  ZObjectIdParams,
  ZOrganisationCodeParams,
  ZOrganisationObjectParams,
  ZQueryFlag,
} from '../request-schemas.ts';

const STAFF = ['operator', 'compliance'] as const;

/** What rights-request steps need: only the process that owns the pool has it. */
function rightsDeps(deps: ApiDeps): TRightsDeps {
  if (!deps.pool || !deps.rights) {
    throw new AppError(
      'unavailable',
      'this API process does not own the pool (the process that runs the jobs does)',
      { retry: true },
    );
  }
  return {
    ctx: deps.control,
    warehouse: deps.pool.warehouse,
    hmacSecret: deps.hmacSecret,
    sftpRoot: deps.rights.sftpRoot,
    dropStore: deps.rights.dropStore,
    signingKey: {
      armoredPrivateKey: deps.platformKey.armoredPrivateKey,
      passphrase: deps.platformKey.passphrase,
    },
  };
}

/** `POST /v1/rights-requests`: records a data subject's request and forwards it to the members holding records. */
export const createRightsRequestRoute = defineRoute({
  operationId: 'createRightsRequest',
  method: 'post',
  path: '/v1/rights-requests',
  summary: 'Record a rights request (access, erasure, opposition, rectification, portability)',
  tag: 'rights-requests',
  failures: ['pool', 'repoussoir'],
  roles: STAFF,
  body: ZRightsRequestInput,
  status: 201,
  handler: async ({ deps, auth, body }) => createRightsRequest(rightsDeps(deps), auth.actor, body),
});

/** `GET /v1/rights-requests`: every request, oldest deadline first; `?overdue=1` keeps the late ones. */
export const listRightsRequestsRoute = defineRoute({
  operationId: 'listRightsRequests',
  method: 'get',
  path: '/v1/rights-requests',
  summary: 'List rights requests (overdue ones with ?overdue=1)',
  tag: 'rights-requests',
  roles: STAFF,
  query: z.object({ overdue: ZQueryFlag.optional() }).strict(),
  handler: async ({ ctx, auth, query }) =>
    readRightsRequests(
      ctx,
      auth.actor,
      query.overdue === undefined ? {} : { overdue: query.overdue },
    ),
});

/** `GET /v1/rights-requests/:id`: one request with where it stands at each member. */
export const getRightsRequestRoute = defineRoute({
  operationId: 'getRightsRequest',
  method: 'get',
  path: '/v1/rights-requests/:id',
  summary: 'Get a rights request and its items per member',
  tag: 'rights-requests',
  roles: STAFF,
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, params }) => readRightsRequest(ctx, auth.actor, params.id),
});

/** `POST /v1/rights-requests/:id/extend`: one or two more months, with a reason (two in all). */
export const extendRightsRequestRoute = defineRoute({
  operationId: 'extendRightsRequest',
  method: 'post',
  path: '/v1/rights-requests/:id/extend',
  summary: 'Extend a rights request deadline (at most two months in all, with a reason)',
  tag: 'rights-requests',
  failures: ['conflict'],
  roles: STAFF,
  params: ZObjectIdParams,
  body: ZRightsRequestExtension,
  handler: async ({ ctx, auth, params, body }) =>
    extendRightsRequest(ctx, auth.actor, params.id, body),
});

/** `POST /v1/rights-requests/:id/close`: closes a request with a reason. */
export const closeRightsRequestRoute = defineRoute({
  operationId: 'closeRightsRequest',
  method: 'post',
  path: '/v1/rights-requests/:id/close',
  summary: 'Close a rights request with a reason',
  tag: 'rights-requests',
  failures: ['conflict'],
  roles: STAFF,
  params: ZObjectIdParams,
  body: ZRightsRequestClosure,
  handler: async ({ ctx, auth, params, body }) =>
    closeRightsRequest(ctx, auth.actor, params.id, body),
});

/** `POST /v1/rights-requests/:id/retry`: runs the failed or pending steps again. */
export const retryRightsRequestRoute = defineRoute({
  operationId: 'retryRightsRequest',
  method: 'post',
  path: '/v1/rights-requests/:id/retry',
  summary: 'Retry the failed steps of a rights request',
  tag: 'rights-requests',
  failures: ['conflict', 'pool', 'repoussoir'],
  roles: STAFF,
  params: ZObjectIdParams,
  handler: async ({ deps, auth, params }) =>
    retryRightsRequest(rightsDeps(deps), auth.actor, params.id),
});

/** `GET /v1/members/:code/rights-requests`: a member's inbox, with its own customer IDs only. */
export const listMemberRightsRequestsRoute = defineRoute({
  operationId: 'listMemberRightsRequests',
  method: 'get',
  path: '/v1/members/:code/rights-requests',
  summary: "A member's rights requests (its own customer IDs only)",
  tag: 'rights-requests',
  roles: ['member_admin', 'member_user', ...STAFF],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, auth, params }) => readMemberRightsRequests(ctx, auth.actor, params.code),
});

/**
 * Body of `confirm-erasure`: `{}` (or none) for every customer of the request, or the
 * customers that are the requester (a shared contact point matches other persons too).
 */
export const ZConfirmErasureBody = z
  .object({ customerIds: z.array(z.string().min(1).max(200)).min(1).max(1000).optional() })
  .strict()
  .default({});
export type TConfirmErasureBody = z.infer<typeof ZConfirmErasureBody>;

/** `POST /v1/members/:code/rights-requests/:id/confirm-erasure`: the member confirms; the pool forgets its customers. */
export const confirmRightsErasureRoute = defineRoute({
  operationId: 'confirmRightsErasure',
  method: 'post',
  path: '/v1/members/:code/rights-requests/:id/confirm-erasure',
  summary: 'Confirm an erasure: the member’s records of the person are deleted and suppressed',
  tag: 'rights-requests',
  failures: ['conflict', 'pool', 'retryable'],
  roles: ['member_admin'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationObjectParams,
  body: ZConfirmErasureBody,
  handler: async ({ deps, auth, params, body }) =>
    confirmRightsErasure(rightsDeps(deps), auth.actor, {
      memberCode: params.code,
      requestId: params.id,
      ...(body.customerIds ? { customerIds: body.customerIds } : {}),
    }),
});

/** `POST /v1/members/:code/rights-requests/:id/answer`: the member says it answered the person (not for erasures). */
export const answerRightsRequestRoute = defineRoute({
  operationId: 'answerRightsRequest',
  method: 'post',
  path: '/v1/members/:code/rights-requests/:id/answer',
  summary:
    'Record that the member answered the person (access, portability, rectification, opposition)',
  tag: 'rights-requests',
  failures: ['conflict'],
  roles: ['member_admin'],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationObjectParams,
  body: ZRightsRequestAnswer,
  handler: async ({ ctx, auth, params, body }) =>
    answerRightsRequest(ctx, auth.actor, { memberCode: params.code, requestId: params.id }, body),
});

export const rightsRequestRoutes = [
  createRightsRequestRoute,
  listRightsRequestsRoute,
  getRightsRequestRoute,
  extendRightsRequestRoute,
  closeRightsRequestRoute,
  retryRightsRequestRoute,
  listMemberRightsRequestsRoute,
  confirmRightsErasureRoute,
  answerRightsRequestRoute,
];
