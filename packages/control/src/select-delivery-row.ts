import { AppError } from '@alliage/domain';
import type { TExecutor } from './control-context.ts';
import type { TDeliveryRow } from './delivery.ts';
import { isUuid } from './is-uuid.ts';

export interface SelectDeliveryRowOptions {
  /** When set, another client's delivery is treated as absent (same not_found). */
  clientOrgId?: string | undefined;
  /** Lock the delivery row until the transaction ends (serialises its transitions). */
  forUpdate?: boolean;
}

/** The deliveries query with the client's code, for the functions that read deliveries. */
export function deliveryQuery(executor: TExecutor) {
  return executor
    .selectFrom('deliveries')
    .innerJoin('organisations', 'organisations.id', 'deliveries.client_org_id')
    .selectAll('deliveries')
    .select('organisations.code as client_org_code');
}

/**
 * The row of a delivery with its client's code, or AppError not_found — also for a
 * malformed id and for another client's delivery.
 *
 * @example
 * const row = await selectDeliveryRow(trx, id, { forUpdate: true });
 */
export async function selectDeliveryRow(
  executor: TExecutor,
  id: string,
  options: SelectDeliveryRowOptions = {},
): Promise<TDeliveryRow> {
  if (!isUuid(id)) throw new AppError('not_found', 'delivery not found');
  const notFound = () => new AppError('not_found', `delivery ${id} not found`);
  if (options.clientOrgId !== undefined && !isUuid(options.clientOrgId)) throw notFound();
  let query = deliveryQuery(executor).where('deliveries.id', '=', id);
  if (options.clientOrgId !== undefined) {
    query = query.where('deliveries.client_org_id', '=', options.clientOrgId);
  }
  if (options.forUpdate) query = query.forUpdate('deliveries');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}
