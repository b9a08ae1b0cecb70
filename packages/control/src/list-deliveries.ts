import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { isUuid } from './is-uuid.ts';
import { deliveryQuery } from './select-delivery-row.ts';

/**
 * Deliveries, newest first; only one client's when `clientOrgId` is given.
 *
 * @example
 * const mine = await listDeliveries(ctx, { clientOrgId: client.id });
 */
export async function listDeliveries(
  ctx: ControlContext,
  options: { clientOrgId?: string | undefined } = {},
): Promise<TDelivery[]> {
  // A malformed organisation id owns nothing; PostgreSQL would refuse the cast.
  if (options.clientOrgId !== undefined && !isUuid(options.clientOrgId)) return [];
  let query = deliveryQuery(ctx.db)
    .orderBy('deliveries.created_at', 'desc')
    .orderBy('deliveries.id', 'desc');
  if (options.clientOrgId !== undefined) {
    query = query.where('deliveries.client_org_id', '=', options.clientOrgId);
  }
  return (await query.execute()).map(toDelivery);
}
