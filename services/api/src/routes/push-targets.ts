import {
  getPushTarget,
  removePushTarget,
  requestDeliveryPush,
  setPushTarget,
} from '@alliage/control';
import { AppError, ZPushTargetInput } from '@alliage/domain';
import { defineRoute } from '../api-route.ts';
import { ZObjectIdParams, ZOrganisationCodeParams } from '../request-schemas.ts';

/** `GET /v1/clients/:code/push-target`: the client's own SFTP server deliveries are pushed to, if any. */
export const getPushTargetRoute = defineRoute({
  operationId: 'getPushTarget',
  method: 'get',
  path: '/v1/clients/:code/push-target',
  summary: "Read where a client's deliveries are pushed (its own SFTP server)",
  tag: 'selections',
  roles: ['operator', 'compliance'],
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => {
    const target = await getPushTarget(ctx, params.code);
    if (!target) throw new AppError('not_found', `client ${params.code} has no push target`);
    const { organisationId: _organisationId, ...view } = target;
    return view;
  },
});

/**
 * `PUT /v1/clients/:code/push-target`: sets the client's server, login, directory and
 * pinned host key. Operators only: it decides where the platform sends files.
 */
export const setPushTargetRoute = defineRoute({
  operationId: 'setPushTarget',
  method: 'put',
  path: '/v1/clients/:code/push-target',
  summary: "Set where a client's deliveries are pushed (its own SFTP server)",
  tag: 'selections',
  roles: ['operator'],
  params: ZOrganisationCodeParams,
  body: ZPushTargetInput,
  handler: async ({ ctx, auth, params, body }) => {
    const { organisationId: _organisationId, ...view } = await setPushTarget(
      ctx,
      auth.actor,
      params.code,
      body,
    );
    return view;
  },
});

/** `DELETE /v1/clients/:code/push-target`: deliveries stay in the client's `out/` only. */
export const removePushTargetRoute = defineRoute({
  operationId: 'removePushTarget',
  method: 'delete',
  path: '/v1/clients/:code/push-target',
  summary: "Stop pushing a client's deliveries to its own SFTP server",
  tag: 'selections',
  roles: ['operator'],
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, auth, params }) => {
    await removePushTarget(ctx, auth.actor, params.code);
    return { removed: true };
  },
});

/**
 * `POST /v1/deliveries/:id/push`: queues the push of a written delivery again (after a
 * failure, or a target set later). Expired or already pushed deliveries answer 409.
 */
export const pushDeliveryRoute = defineRoute({
  operationId: 'pushDelivery',
  method: 'post',
  path: '/v1/deliveries/:id/push',
  summary: "Push a delivery to its client's own SFTP server again",
  tag: 'selections',
  failures: ['not_configured', 'conflict'],
  roles: ['operator'],
  params: ZObjectIdParams,
  handler: async ({ ctx, deps, params }) => {
    const enqueue = deps.selections?.enqueueDeliveryPush;
    if (!enqueue) throw new AppError('unavailable', 'this API process does not push deliveries');
    const delivery = await requestDeliveryPush(ctx, params.id);
    await enqueue(delivery.id);
    return delivery;
  },
});

export const pushTargetRoutes = [
  getPushTargetRoute,
  setPushTargetRoute,
  removePushTargetRoute,
  pushDeliveryRoute,
];
