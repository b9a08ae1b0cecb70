import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { selectSelectionRow } from './select-selection-row.ts';
import { type TSelection, toSelection } from './selection.ts';

const ZOrderSelectionInput = z.object({
  selectionId: z.string(),
  /** When set, another client's selection is not found. */
  clientOrgId: z.string().optional(),
  quantity: z.number().int().min(1).max(2_147_483_647),
  /** The smallest quantity that may be ordered (the count threshold). */
  minimum: z.number().int().min(1),
});
export type TOrderSelectionInput = z.input<typeof ZOrderSelectionInput>;

/**
 * Orders a counted selection (from draft, or again after a rejection) and records
 * `selection.ordered`. AppError validation_failed below `minimum`, conflict when it was
 * never counted or is past ordering.
 *
 * @example
 * const ordered = await orderSelection(ctx, actor, { selectionId, clientOrgId, quantity: 500, minimum: 20 });
 */
export async function orderSelection(
  ctx: ControlContext,
  actor: TActor,
  input: TOrderSelectionInput,
): Promise<TSelection> {
  const { selectionId, clientOrgId, quantity, minimum } = parseInput(ZOrderSelectionInput, input);
  if (quantity < minimum) {
    throw new AppError('validation_failed', `quantity must be at least ${minimum}`, {
      fields: [{ path: 'quantity', message: `must be at least ${minimum}` }],
    });
  }
  return ctx.db.transaction().execute(async (trx) => {
    const selection = await selectSelectionRow(trx, selectionId, { clientOrgId, forUpdate: true });
    if (selection.status !== 'draft' && selection.status !== 'rejected') {
      throw new AppError('conflict', `selection ${selection.id} is ${selection.status}`);
    }
    const counted = await trx
      .selectFrom('selection_counts')
      .select('id')
      .where('selection_id', '=', selection.id)
      .limit(1)
      .executeTakeFirst();
    if (!counted) throw new AppError('conflict', 'count the selection before ordering');
    const now = ctx.clock();
    const row = await trx
      .updateTable('selections')
      .set({
        status: 'ordered',
        ordered_quantity: quantity,
        ordered_by_ref: actor.ref,
        ordered_at: now,
        // A new order waits for a new decision; the rejection stays in the audit chain.
        decided_by_ref: null,
        decided_at: null,
        decision_reason: null,
        updated_at: now,
      })
      .where('id', '=', selection.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'selection.ordered',
      actor,
      objectType: 'selection',
      objectId: selection.id,
      organisationCode: selection.client_org_code,
      details: { quantity, reordered: selection.status === 'rejected' },
    });
    return toSelection({ ...row, client_org_code: selection.client_org_code });
  });
}
