import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectSelectionRow } from './select-selection-row.ts';
import { type TSelection, toSelection } from './selection.ts';

const ZDecideSelectionInput = z.object({
  selectionId: z.string(),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().trim().min(1).max(1000),
});
export type TDecideSelectionInput = z.input<typeof ZDecideSelectionInput>;

/**
 * Approves or rejects an ordered selection, with a reason, and records
 * `selection.approved` / `selection.rejected`. Four eyes: whoever created or ordered it
 * cannot decide it (AppError forbidden; the table refuses it too). A client that is not
 * active gets no approval (conflict); a rejection stays possible. Role checks (an
 * operator decides) belong to the caller.
 *
 * @example
 * await decideSelection(ctx, operator, { selectionId, decision: 'approve', reason: 'purpose and channel match the instructions' });
 */
export async function decideSelection(
  ctx: ControlContext,
  actor: TActor,
  input: TDecideSelectionInput,
): Promise<TSelection> {
  const { selectionId, decision, reason } = parseInput(ZDecideSelectionInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const selection = await selectSelectionRow(trx, selectionId, { forUpdate: true });
    if (selection.status !== 'ordered') {
      throw new AppError(
        'conflict',
        `selection ${selection.id} is ${selection.status}, not ordered`,
      );
    }
    if (actor.ref === selection.ordered_by_ref || actor.ref === selection.created_by_ref) {
      throw new AppError('forbidden', 'the requester cannot approve their own order');
    }
    if (decision === 'approve') {
      // A suspended client (a seed hit, a dispute) gets nothing approved; rejecting stays open.
      const client = await trx
        .selectFrom('organisations')
        .select('status')
        .where('id', '=', selection.client_org_id)
        .executeTakeFirstOrThrow();
      if (client.status !== 'active') {
        throw new AppError(
          'conflict',
          `client ${selection.client_org_code} is ${client.status}: its selection cannot be approved`,
        );
      }
    }
    const now = ctx.clock();
    const row = await trx
      .updateTable('selections')
      .set({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decided_by_ref: actor.ref,
        decided_at: now,
        decision_reason: reason,
        updated_at: now,
      })
      .where('id', '=', selection.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: decision === 'approve' ? 'selection.approved' : 'selection.rejected',
      actor,
      objectType: 'selection',
      objectId: selection.id,
      organisationCode: selection.client_org_code,
      // Staff text about the order, not about persons.
      details: {
        reason,
        quantity: selection.ordered_quantity,
        orderedBy: selection.ordered_by_ref,
      },
    });
    return toSelection({ ...row, client_org_code: selection.client_org_code });
  });
}
