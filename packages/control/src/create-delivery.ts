import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { deliveryQuery } from './select-delivery-row.ts';
import { selectSelectionRow } from './select-selection-row.ts';

/**
 * The delivery of an approved selection, created `pending` on first call and returned
 * as it is on later ones (a retried job finds its row). A delivery failed while its
 * selection stayed approved (`failDelivery` with `retryable`: the client was suspended)
 * is reopened `pending`, its error cleared, once the client is active again; until then
 * it is returned failed. A reopened delivery takes the new `expiresAt`: its file is
 * available for the full time from the attempt that writes it, not from the first. Not audited: the job's outcome (`completeDelivery` /
 * `failDelivery`) is. AppError conflict when the selection is not approved and has no
 * delivery yet.
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
    if (existing) {
      if (existing.status !== 'failed' || selection.status !== 'approved') {
        return toDelivery(existing);
      }
      const client = await trx
        .selectFrom('organisations')
        .select('status')
        .where('id', '=', selection.client_org_id)
        .executeTakeFirstOrThrow();
      if (client.status !== 'active') return toDelivery(existing);
      const reopened = await trx
        .updateTable('deliveries')
        // Its file is available for the full time from this attempt: the first attempt's
        // date may be past (a client reactivated weeks later).
        .set({
          status: 'pending',
          error_code: null,
          error_message: null,
          expires_at: input.expiresAt,
        })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toDelivery({ ...reopened, client_org_code: selection.client_org_code });
    }
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
