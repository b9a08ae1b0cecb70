import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import {
  AppError,
  parseInput,
  type TRightsRequestClosure,
  ZRightsRequestClosure,
} from '@alliage/domain';
import { getRightsRequest } from './get-rights-request.ts';
import { isUnfinishedErasure, type TRightsRequest } from './rights-request.ts';

/**
 * Closes a request with a reason (answered, withdrawn, identity not verified…). Refused
 * (conflict) while an erasure a member confirmed is not finished: closed, the request
 * could no longer be retried, and the erasure would stay half done.
 *
 * @example
 * await closeRightsRequest(ctx, actor, id, { reason: 'answered by the members on 2027-07-02' });
 */
export async function closeRightsRequest(
  ctx: ControlContext,
  actor: TActor,
  requestId: string,
  input: TRightsRequestClosure,
): Promise<TRightsRequest> {
  const closure = parseInput(ZRightsRequestClosure, input, 'body');
  const request = await getRightsRequest(ctx, requestId);
  if (request.status === 'closed') {
    throw new AppError('conflict', `rights request ${request.id} is already closed`);
  }
  const unfinished = request.items.filter(isUnfinishedErasure).map((item) => item.memberCode);
  if (unfinished.length > 0) {
    throw new AppError(
      'conflict',
      `rights request ${request.id} has an erasure confirmed but not finished (${unfinished.join(', ')}): retry the request first`,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock();
    await trx
      .updateTable('rights_requests')
      .set({ status: 'closed', closed_at: now, close_reason: closure.reason, updated_at: now })
      .where('id', '=', request.id)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.updated',
      actor,
      objectType: 'rights_request',
      objectId: request.id,
      details: {
        step: 'closed',
        overdue: request.overdue,
        items: request.items.map((item) => ({ memberCode: item.memberCode, status: item.status })),
      },
    });
  });
  return getRightsRequest(ctx, request.id);
}
