import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { deliveryQuery } from './select-delivery-row.ts';
import { selectSelectionRow } from './select-selection-row.ts';

/**
 * The delivery of an approved selection, created `pending` on first call and returned
 * as it is on later ones (a retried job finds its row). Not audited: the job's outcome
 * (`completeDelivery` / `failDelivery`) is. AppError conflict when the selection is not
 * approved and has no delivery yet.
 *
 * @example
 * const delivery = await createDelivery(ctx, { selectionId, expiresAt: new Date(now + 30 * 86_400_000) });
 */
export async function createDelivery(
  ctx: ControlContext,
  input: { selectionId: string; expiresAt: Date },
): Promise<TDelivery> {
  if (Number.isNaN(input.expiresAt.getTime())) {
    throw new AppError('validation_failed', 'expiresAt is not a valid date');
  }
  return ctx.db.transaction().execute(async (trx) => {
    // The selection lock serialises concurrent first calls; the UNIQUE on selection_id backs it.
    const selection = await selectSelectionRow(trx, input.selectionId, { forUpdate: true });
    const existing = await deliveryQuery(trx)
      .where('deliveries.selection_id', '=', selection.id)
      .executeTakeFirst();
    if (existing) return toDelivery(existing);
    if (selection.status !== 'approved') {
      throw new AppError(
        'conflict',
        `selection ${selection.id} is ${selection.status}, not approved`,
      );
    }
    const row = await trx
      .insertInto('deliveries')
      .values({
        selection_id: selection.id,
        client_org_id: selection.client_org_id,
        status: 'pending',
        created_at: ctx.clock(),
        expires_at: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDelivery({ ...row, client_org_code: selection.client_org_code });
  });
}
