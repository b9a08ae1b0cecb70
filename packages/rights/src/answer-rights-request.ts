import { appendAuditEvent, type ControlContext, type TActor } from '@alliage/control';
import {
  AppError,
  parseInput,
  type TRightsRequestAnswer,
  ZRightsRequestAnswer,
} from '@alliage/domain';
import { getRightsRequest } from './get-rights-request.ts';
import type { TRightsRequest, TRightsRequestItem } from './rights-request.ts';

/**
 * A member (the controller) records that it answered the person for an access,
 * portability, rectification or opposition request forwarded to it (an erasure is
 * confirmed with `confirmRightsErasure` instead). The item must be `forwarded` (a failed
 * forward is retried first) and the request open; `answeredAt` defaults to now and may
 * be neither in the future nor before the request was received. Idempotent: an item
 * already answered is returned unchanged. Audited `rights_request.answered` (no note
 * text: only whether one was given). The request is never closed here.
 *
 * @example
 * await answerRightsRequest(ctx, actor, { memberCode: 'M01', requestId }, { note: 'ticket 4521' });
 */
export async function answerRightsRequest(
  ctx: ControlContext,
  actor: TActor,
  target: { memberCode: string; requestId: string },
  input: TRightsRequestAnswer = {},
): Promise<TRightsRequestItem> {
  const answer = parseInput(ZRightsRequestAnswer, input, 'body');
  const request = await getRightsRequest(ctx, target.requestId);
  const item = request.items.find((entry) => entry.memberCode === target.memberCode);
  // Another member's request, or one this member holds nothing for, does not exist for it.
  if (!item) throw new AppError('not_found', `rights request ${target.requestId} not found`);
  if (request.type === 'erasure') {
    throw new AppError(
      'conflict',
      `rights request ${request.id} is an erasure request: confirm it with …/confirm-erasure`,
    );
  }
  if (item.status === 'answered') return item;
  if (request.status === 'closed') {
    throw new AppError('conflict', `rights request ${request.id} is closed`);
  }
  assertForwarded(request, item);
  const now = ctx.clock();
  const answeredAt = answer.answeredAt ? new Date(answer.answeredAt) : now;
  if (answeredAt.getTime() > now.getTime()) {
    throw invalidAnsweredAt('must not be in the future');
  }
  if (answeredAt.getTime() < request.receivedAt.getTime()) {
    throw invalidAnsweredAt('must not be before the request was received');
  }
  const recorded = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('rights_request_items')
      .set({
        status: 'answered',
        answered_at: answeredAt,
        answered_by_ref: actor.ref,
        answer_note: answer.note ?? null,
        updated_at: now,
      })
      .where('id', '=', item.id)
      // Guards a concurrent answer, retry or closure between the read and this write.
      .where('status', '=', 'forwarded')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    await appendAuditEvent(trx, ctx.clock, {
      action: 'rights_request.answered',
      actor,
      objectType: 'rights_request',
      objectId: request.id,
      organisationCode: item.memberCode,
      details: {
        step: 'answered',
        type: request.type,
        answeredAt: answeredAt.toISOString(),
        onTime: answeredAt.getTime() <= request.deadline.getTime(),
        note: answer.note !== undefined,
      },
    });
    return true;
  });
  const after = await getRightsRequest(ctx, request.id);
  const answered = after.items.find((entry) => entry.id === item.id) as TRightsRequestItem;
  if (!recorded && answered.status !== 'answered') {
    throw new AppError(
      'conflict',
      `rights request ${request.id} changed at ${item.memberCode} meanwhile; read it again`,
    );
  }
  return answered;
}

function assertForwarded(request: TRightsRequest, item: TRightsRequestItem): void {
  if (item.status === 'pending') {
    throw new AppError(
      'conflict',
      `rights request ${request.id} is not forwarded to ${item.memberCode} yet`,
    );
  }
  if (item.status === 'failed') {
    throw new AppError(
      'conflict',
      `rights request ${request.id} could not be forwarded to ${item.memberCode}: it must be retried first`,
    );
  }
}

function invalidAnsweredAt(message: string): AppError {
  return new AppError('validation_failed', `invalid body: answeredAt ${message}`, {
    fields: [{ path: 'body.answeredAt', message }],
  });
}
