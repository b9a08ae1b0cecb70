import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { deliveryQuery } from './select-delivery-row.ts';

/**
 * Written deliveries whose expiry has come (`expires_at <= now`), oldest expiry first:
 * the housekeeping job deletes their files, then calls `markDeliveryExpired`.
 *
 * @example
 * for (const delivery of await listExpiredDeliveries(ctx, ctx.clock())) { ... }
 */
export async function listExpiredDeliveries(ctx: ControlContext, now: Date): Promise<TDelivery[]> {
  const rows = await deliveryQuery(ctx.db)
    .where('deliveries.status', '=', 'written')
    .where('deliveries.expires_at', '<=', now)
    .orderBy('deliveries.expires_at')
    .orderBy('deliveries.id')
    .execute();
  return rows.map(toDelivery);
}
