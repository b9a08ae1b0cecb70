import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { isUuid } from './is-uuid.ts';
import { deliveryQuery } from './select-delivery-row.ts';

/** The client, by id or by code (the SFTP server knows the code), and the file name. */
export type TFindDeliveryByFileNameInput =
  | { clientOrgId: string; clientOrgCode?: undefined; fileName: string }
  | { clientOrgCode: string; clientOrgId?: undefined; fileName: string };

/**
 * A client's delivery by its file name (unique per client), or null: how an SFTP download
 * of `out/<file>` finds the delivery to check and audit.
 *
 * @example
 * const delivery = await findDeliveryByFileName(ctx, { clientOrgCode: 'C01', fileName });
 */
export async function findDeliveryByFileName(
  ctx: ControlContext,
  input: TFindDeliveryByFileNameInput,
): Promise<TDelivery | null> {
  let query = deliveryQuery(ctx.db).where('deliveries.file_name', '=', input.fileName);
  if (input.clientOrgId !== undefined) {
    if (!isUuid(input.clientOrgId)) return null;
    query = query.where('deliveries.client_org_id', '=', input.clientOrgId);
  } else {
    query = query.where('organisations.code', '=', input.clientOrgCode);
  }
  const row = await query.executeTakeFirst();
  return row ? toDelivery(row) : null;
}
