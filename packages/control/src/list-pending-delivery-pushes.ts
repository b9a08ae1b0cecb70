import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { deliveryQuery } from './select-delivery-row.ts';

/**
 * Written deliveries whose push is `pending` (queued, or its enqueue was lost),
 * oldest first: the delivery housekeeping queues their `delivery.push` again.
 *
 * @example
 * for (const delivery of await listPendingDeliveryPushes(ctx)) { ... }
 */
export async function listPendingDeliveryPushes(ctx: ControlContext): Promise<TDelivery[]> {
  const rows = await deliveryQuery(ctx.db)
    .where('deliveries.push_status', '=', 'pending')
    .where('deliveries.status', '=', 'written')
    .orderBy('deliveries.written_at')
    .orderBy('deliveries.id')
    .execute();
  return rows.map(toDelivery);
}
