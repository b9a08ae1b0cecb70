import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import { getRightsRequest } from './get-rights-request.ts';
import {
  listMemberRightsRequests,
  type TMemberRightsRequest,
} from './list-member-rights-requests.ts';
import { listRightsRequests } from './list-rights-requests.ts';
import type { TRightsRequest } from './rights-request.ts';

/**
 * One rights request read by `actor` (`GET /v1/rights-requests/:id`, `alliage
 * rights-request show`): recorded as `rights_request.read` (`via: show`), since
 * its items carry the data subject's customer IDs.
 *
 * @example
 * const request = await readRightsRequest(ctx, actor, requestId);
 */
export async function readRightsRequest(
  ctx: ControlContext,
  actor: TActor,
  requestId: string,
): Promise<TRightsRequest> {
  const request = await getRightsRequest(ctx, requestId);
  await recordRead(ctx, actor, { via: 'show', requestId: request.id }, request.items, 1);
  return request;
}

/**
 * The staff list of rights requests read by `actor`, recorded as
 * `rights_request.read` (`via: list`).
 *
 * @example
 * const overdue = await readRightsRequests(ctx, actor, { overdue: true });
 */
export async function readRightsRequests(
  ctx: ControlContext,
  actor: TActor,
  filter: Parameters<typeof listRightsRequests>[1],
): Promise<TRightsRequest[]> {
  const requests = await listRightsRequests(ctx, filter);
  const items = requests.flatMap((request) => request.items);
  await recordRead(ctx, actor, { via: 'list' }, items, requests.length);
  return requests;
}

/**
 * A member's rights-request inbox read by `actor`, recorded as `rights_request.read`
 * (`via: member_inbox`) with the member as organisation.
 *
 * @example
 * const inbox = await readMemberRightsRequests(ctx, actor, 'M01');
 */
export async function readMemberRightsRequests(
  ctx: ControlContext,
  actor: TActor,
  memberCode: string,
): Promise<TMemberRightsRequest[]> {
  const inbox = await listMemberRightsRequests(ctx, memberCode);
  await recordRead(ctx, actor, { via: 'member_inbox', memberCode }, inbox, inbox.length);
  return inbox;
}

/**
 * Appends `rights_request.read` after the read, before the answer (a failed append
 * fails the read): how many requests and customer IDs, never the IDs.
 */
async function recordRead(
  ctx: ControlContext,
  actor: TActor,
  read: { via: 'show' | 'list' | 'member_inbox'; requestId?: string; memberCode?: string },
  holders: readonly { customerIds: readonly string[] }[],
  requests: number,
): Promise<void> {
  await appendAuditEvent(ctx.db, ctx.clock, {
    action: 'rights_request.read',
    actor,
    objectType: 'rights_request',
    objectId: read.requestId ?? null,
    organisationCode: read.memberCode ?? null,
    details: {
      via: read.via,
      requests,
      customerCount: holders.reduce((sum, holder) => sum + holder.customerIds.length, 0),
    },
  });
}
