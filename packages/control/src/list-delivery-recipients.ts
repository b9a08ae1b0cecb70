import type { TChannel, TPurpose, TSector } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { isUuid } from './is-uuid.ts';

/** Who received one delivery, as an access answer states it (GDPR Art. 15(1)(c)). */
export interface TDeliveryRecipient {
  deliveryId: string;
  /** The client's name as the control plane knows it. */
  clientName: string;
  clientSector: TSector;
  channel: TChannel;
  purpose: TPurpose;
  deliveredAt: Date;
}

/**
 * The recipients of the given deliveries, oldest first: the client (name, sector), the
 * date the file was written, the channel and purpose. Only deliveries actually written
 * (written or since expired); unknown IDs are skipped. The caller decides which
 * deliveries a reader may learn about (`listMemberCustomerDeliveries`).
 *
 * @example
 * const recipients = await listDeliveryRecipients(ctx, deliveryIds);
 */
export async function listDeliveryRecipients(
  ctx: ControlContext,
  deliveryIds: readonly string[],
): Promise<TDeliveryRecipient[]> {
  // A malformed ID names no delivery; PostgreSQL would refuse the cast.
  const ids = deliveryIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('deliveries')
    .innerJoin('selections', 'selections.id', 'deliveries.selection_id')
    .innerJoin('organisations as client', 'client.id', 'deliveries.client_org_id')
    .select([
      'deliveries.id as delivery_id',
      'client.name as client_name',
      'client.sector as client_sector',
      'selections.channel',
      'selections.purpose',
      'deliveries.written_at',
    ])
    .where('deliveries.id', 'in', ids)
    .where('deliveries.written_at', 'is not', null)
    .orderBy('deliveries.written_at', 'asc')
    .orderBy('deliveries.id', 'asc')
    .execute();
  return rows.map((row) => ({
    deliveryId: row.delivery_id,
    clientName: row.client_name,
    // The column is plain text; only ZSector-validated values are ever written.
    clientSector: row.client_sector as TSector,
    channel: row.channel,
    purpose: row.purpose,
    // Filtered above: a delivery listed was written.
    deliveredAt: row.written_at as Date,
  }));
}
