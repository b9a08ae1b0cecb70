import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

/**
 * Marks a written delivery expired (its file is gone; downloads are refused) and records
 * `delivery.expired`. An expired one is returned unchanged and not recorded again;
 * AppError conflict for a delivery that was never written.
 *
 * @example
 * await markDeliveryExpired(ctx, SYSTEM_ACTOR, delivery.id);
 */
export async function markDeliveryExpired(
  ctx: ControlContext,
  actor: TActor,
  deliveryId: string,
): Promise<TDelivery> {
  return ctx.db.transaction().execute(async (trx) => {
    const delivery = await selectDeliveryRow(trx, deliveryId, { forUpdate: true });
    if (delivery.status === 'expired') return toDelivery(delivery);
    if (delivery.status !== 'written') {
      throw new AppError('conflict', `delivery ${delivery.id} is ${delivery.status}, not written`);
    }
    const row = await trx
      .updateTable('deliveries')
      .set({ status: 'expired', expired_at: ctx.clock() })
      .where('id', '=', delivery.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'delivery.expired',
      actor,
      objectType: 'delivery',
      objectId: delivery.id,
      organisationCode: delivery.client_org_code,
      details: {
        selectionId: delivery.selection_id,
        fileName: delivery.file_name,
        expiresAt: delivery.expires_at,
      },
    });
    return toDelivery({ ...row, client_org_code: delivery.client_org_code });
  });
}
