import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

/**
 * The delivery with this id, or AppError not_found — also when `clientOrgId` is given
 * and the delivery is another client's.
 *
 * @example
 * const delivery = await getDelivery(ctx, id, { clientOrgId: client.id });
 */
export async function getDelivery(
  ctx: ControlContext,
  id: string,
  options: { clientOrgId?: string | undefined } = {},
): Promise<TDelivery> {
  return toDelivery(await selectDeliveryRow(ctx.db, id, options));
}
