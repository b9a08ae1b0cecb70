import {
  acknowledgeAlert,
  createSelection,
  decideSelection,
  getDelivery,
  getMemberUsage,
  getSelection,
  listAlerts,
  listDeliveries,
  listSelections,
  orderSelection,
  recordSeedHit,
} from '@alliage/control';
import { AppError, ZChannel, ZSelectionRequest } from '@alliage/domain';
import { countSelectionAudience, type TSelectionSettings } from '@alliage/selection';
import type { TWarehouse } from '@alliage/warehouse';
import { z } from 'zod';
import { defineRoute, type TAuthContext } from '../api-route.ts';
import { toDeliveryView, toSelectionView } from '../client-views.ts';
import type { ApiDeps } from '../create-api-app.ts';
import { ZObjectIdParams, ZOrganisationCodeParams, ZQueryFlag } from '../request-schemas.ts';

const STAFF = ['operator', 'compliance'] as const;

/** A client principal sees only its organisation's selections; staff see all. */
function clientScope(auth: TAuthContext): { clientOrgId?: string } {
  return auth.principal.role === 'client_marketer' && auth.principal.organisationId
    ? { clientOrgId: auth.principal.organisationId }
    : {};
}

function selectionPool(deps: ApiDeps): { warehouse: TWarehouse; settings: TSelectionSettings } {
  if (!deps.pool || !deps.selections) {
    throw new AppError(
      'unavailable',
      'this API process does not own the pool (the process that runs the jobs does)',
      { retry: true },
    );
  }
  return { warehouse: deps.pool.warehouse, settings: deps.selections.settings };
}

function minimumOrder(deps: ApiDeps): number {
  return deps.selections?.settings.countThreshold ?? deps.pool?.countThreshold ?? 20;
}

/** `POST /v1/selections`: a client marketer describes an audience (criteria, channel, purpose, dates). */
export const createSelectionRoute = defineRoute({
  operationId: 'createSelection',
  method: 'post',
  path: '/v1/selections',
  summary: 'Create a selection (audience criteria, channel, purpose, campaign dates)',
  tag: 'selections',
  failures: ['not_found'],
  roles: ['client_marketer'],
  body: ZSelectionRequest,
  status: 201,
  handler: async ({ ctx, auth, body }) =>
    toSelectionView(
      await createSelection(ctx, auth.actor, {
        clientOrgCode: auth.principal.organisationCode ?? '',
        request: body,
      }),
      auth,
    ),
});

/** `GET /v1/selections`: a client's own selections; every selection for staff. */
export const listSelectionsRoute = defineRoute({
  operationId: 'listSelections',
  method: 'get',
  path: '/v1/selections',
  summary: 'List selections (clients: their own)',
  tag: 'selections',
  roles: ['client_marketer', ...STAFF],
  handler: async ({ ctx, auth }) =>
    (await listSelections(ctx, clientScope(auth))).map((selection) =>
      toSelectionView(selection, auth),
    ),
});

/** `GET /v1/selections/:id`: one selection (another client's answers 404). */
export const getSelectionRoute = defineRoute({
  operationId: 'getSelection',
  method: 'get',
  path: '/v1/selections/:id',
  summary: 'Read one selection',
  tag: 'selections',
  roles: ['client_marketer', ...STAFF],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, params }) =>
    toSelectionView(await getSelection(ctx, params.id, clientScope(auth)), auth),
});

/**
 * `POST /v1/selections/:id/count`: counts the audience under the rules in force:
 * total, by channel and by département, each perturbed by its cell key, small counts
 * as "<k", rounded, and
 * answered with an earlier count when the difference would single someone out.
 */
export const countSelectionRoute = defineRoute({
  operationId: 'countSelection',
  method: 'post',
  path: '/v1/selections/:id/count',
  summary: 'Count a selection (thresholded, rounded, audited)',
  tag: 'selections',
  failures: ['pool'],
  roles: ['client_marketer', 'operator'],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, deps, params }) => {
    const { warehouse, settings } = selectionPool(deps);
    return countSelectionAudience({
      ctx,
      warehouse,
      settings,
      actor: auth.actor,
      hmacSecret: deps.hmacSecret,
      selectionId: params.id,
      ...clientScope(auth),
    });
  },
});

/** `POST /v1/selections/:id/order`: orders a counted selection (quantity at least the threshold). */
export const orderSelectionRoute = defineRoute({
  operationId: 'orderSelection',
  method: 'post',
  path: '/v1/selections/:id/order',
  summary: 'Order a counted selection',
  tag: 'selections',
  failures: ['conflict'],
  roles: ['client_marketer'],
  params: ZObjectIdParams,
  body: z.object({ quantity: z.number().int().min(1).max(10_000_000) }).strict(),
  handler: async ({ ctx, auth, deps, params, body }) =>
    toSelectionView(
      await orderSelection(ctx, auth.actor, {
        selectionId: params.id,
        ...clientScope(auth),
        quantity: body.quantity,
        minimum: minimumOrder(deps),
      }),
      auth,
    ),
});

const ZDecisionBody = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();

function decisionRoute(decision: 'approve' | 'reject') {
  return defineRoute({
    operationId: `${decision}Selection`,
    method: 'post',
    path: `/v1/selections/:id/${decision}`,
    summary:
      decision === 'approve'
        ? 'Approve an order (an operator who is not the requester); queues the delivery'
        : 'Reject an order, with a reason',
    tag: 'selections',
    failures: ['conflict'],
    roles: ['operator'],
    params: ZObjectIdParams,
    body: ZDecisionBody,
    handler: async ({ ctx, auth, deps, params, body }) => {
      const selection = await decideSelection(ctx, auth.actor, {
        selectionId: params.id,
        decision,
        reason: body.reason,
      });
      // The approval is committed; a failed enqueue is caught up by the hourly
      // delivery housekeeping, which dispatches approved selections without a delivery.
      if (decision === 'approve') await deps.selections?.enqueueDelivery(selection.id);
      return selection;
    },
  });
}

export const approveSelectionRoute = decisionRoute('approve');
export const rejectSelectionRoute = decisionRoute('reject');

/** `GET /v1/deliveries`: a client's own deliveries; every delivery for staff. */
export const listDeliveriesRoute = defineRoute({
  operationId: 'listDeliveries',
  method: 'get',
  path: '/v1/deliveries',
  summary: 'List deliveries (clients: their own)',
  tag: 'selections',
  roles: ['client_marketer', ...STAFF],
  handler: async ({ ctx, auth }) =>
    (await listDeliveries(ctx, clientScope(auth))).map((delivery) =>
      toDeliveryView(delivery, auth),
    ),
});

/** `GET /v1/deliveries/:id`: one delivery (another client's answers 404). */
export const getDeliveryRoute = defineRoute({
  operationId: 'getDelivery',
  method: 'get',
  path: '/v1/deliveries/:id',
  summary: 'Read one delivery (file name, size, SHA-256, expiry)',
  tag: 'selections',
  roles: ['client_marketer', ...STAFF],
  params: ZObjectIdParams,
  handler: async ({ ctx, auth, params }) =>
    toDeliveryView(await getDelivery(ctx, params.id, clientScope(auth)), auth),
});

/**
 * `GET /v1/members/:code/usage`: which client sectors, channels and purposes used
 * this member's records, when and how many — nothing of other members.
 */
export const getMemberUsageRoute = defineRoute({
  operationId: 'getMemberUsage',
  method: 'get',
  path: '/v1/members/:code/usage',
  summary: "Where a member's records were delivered (sector, channel, purpose, counts)",
  tag: 'selections',
  roles: ['member_admin', 'member_user', ...STAFF],
  scope: { param: 'code', label: 'member' },
  params: ZOrganisationCodeParams,
  handler: async ({ ctx, params }) => getMemberUsage(ctx, params.code),
});

/**
 * `POST /v1/seeds/hits`: reports a contact received on a seed record; outside the
 * delivery's campaign window or on a channel not ordered, an alert names the
 * delivery and client.
 */
export const recordSeedHitRoute = defineRoute({
  operationId: 'recordSeedHit',
  method: 'post',
  path: '/v1/seeds/hits',
  summary: 'Report a contact on a seed record (raises an alert when out of window)',
  tag: 'selections',
  failures: ['not_found', 'conflict'],
  roles: ['operator', 'compliance'],
  body: z
    .object({
      contact: z
        .object({
          kind: z.enum(['email', 'phone', 'postal']),
          value: z.string().trim().min(1).max(300),
        })
        .strict(),
      channel: ZChannel,
      contactedAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
  status: 201,
  handler: async ({ ctx, auth, body }) =>
    recordSeedHit(ctx, auth.actor, {
      contact: body.contact,
      channel: body.channel,
      contactedAt: new Date(body.contactedAt),
    }),
});

/** Query of `GET /v1/alerts`: `open=true` lists only the alerts nobody acknowledged yet. */
export const ZListAlertsQuery = z.object({ open: ZQueryFlag.optional() }).strict();
export type TListAlertsQuery = z.infer<typeof ZListAlertsQuery>;

/** `GET /v1/alerts`: misuse and breach signals (seed hits out of window…), newest first. */
export const listAlertsRoute = defineRoute({
  operationId: 'listAlerts',
  method: 'get',
  path: '/v1/alerts',
  summary: 'List alerts, newest first (open=true: only those not acknowledged)',
  tag: 'selections',
  roles: [...STAFF],
  query: ZListAlertsQuery,
  handler: async ({ ctx, query }) => listAlerts(ctx, { open: query.open }),
});

/** Body of `POST /v1/alerts/:id/acknowledge`: what the acknowledger found or did. */
export const ZAcknowledgeAlertBody = z
  .object({ note: z.string().trim().min(1).max(1000) })
  .strict();
export type TAcknowledgeAlertBody = z.infer<typeof ZAcknowledgeAlertBody>;

/** `POST /v1/alerts/:id/acknowledge`: staff have looked at an alert. Records `alert.acknowledged`. */
export const acknowledgeAlertRoute = defineRoute({
  operationId: 'acknowledgeAlert',
  method: 'post',
  path: '/v1/alerts/:id/acknowledge',
  summary: 'Acknowledge an open alert, with a note of what was found or done (once)',
  tag: 'selections',
  failures: ['conflict'],
  roles: [...STAFF],
  params: ZObjectIdParams,
  body: ZAcknowledgeAlertBody,
  handler: async ({ ctx, auth, params, body }) =>
    acknowledgeAlert(ctx, auth.actor, { alertId: params.id, note: body.note }),
});

export const selectionRoutes = [
  createSelectionRoute,
  listSelectionsRoute,
  getSelectionRoute,
  countSelectionRoute,
  orderSelectionRoute,
  approveSelectionRoute,
  rejectSelectionRoute,
  listDeliveriesRoute,
  getDeliveryRoute,
  getMemberUsageRoute,
  recordSeedHitRoute,
  listAlertsRoute,
  acknowledgeAlertRoute,
];
