import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import {
  AppError,
  parseInput,
  RIGHTS_REQUEST_MAX_EXTENSION_MONTHS,
  rightsRequestDeadline,
  type TRightsRequestExtension,
  ZRightsRequestExtension,
} from '@alliage/domain';
import { getRightsRequest } from './get-rights-request.ts';
import type { TRightsRequest } from './rights-request.ts';

/**
 * Extends a request's deadline by one or two months with a reason (Art. 12(3)): at
 * most two months in all beyond the first due date; a closed request cannot move.
 *
 * @example
 * await extendRightsRequest(ctx, actor, id, { months: 1, reason: 'complex: 4 members involved' });
 */
export async function extendRightsRequest(
  ctx: ControlContext,
  actor: TActor,
  requestId: string,
  input: TRightsRequestExtension,
): Promise<TRightsRequest> {
  const extension = parseInput(ZRightsRequestExtension, input, 'body');
  const request = await getRightsRequest(ctx, requestId);
  if (request.status === 'closed') {
    throw new AppError('conflict', `rights request ${request.id} is closed`);
  }
  const total = request.extensionMonths + extension.months;
  if (total > RIGHTS_REQUEST_MAX_EXTENSION_MONTHS) {
    throw new AppError(
      'conflict',
      `rights request ${request.id} is already extended by ${request.extensionMonths} month(s): at most ${RIGHTS_REQUEST_MAX_EXTENSION_MONTHS} in all`,
    );
  }
  // Counted from the receipt, like the first deadline (not from its clamped day: received
  // on 31 January, three months end on 30 April, not 28 April).
  const extendedUntil = rightsRequestDeadline(request.receivedAt, 1 + total);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('rights_requests')
      .set({
        extension_months: total,
        extended_until: extendedUntil,
        extension_reason: extension.reason,
        updated_at: ctx.clock(),
      })
      .where('id', '=', request.id)
      .execute();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.updated',
      actor,
      objectType: 'rights_request',
      objectId: request.id,
      details: {
        step: 'extended',
        months: extension.months,
        totalMonths: total,
        extendedUntil: extendedUntil.toISOString(),
      },
    });
  });
  return getRightsRequest(ctx, request.id);
}
