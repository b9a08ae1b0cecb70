import { listDeliveryRecipients } from '@alliage/control';
import { listMemberCustomerDeliveries } from '@alliage/warehouse';
import type { TRightsDeps } from './rights-deps.ts';

/** One recipient of a member's customer's data, as the access export writes it. */
export interface TAccessRecipient {
  deliveryId: string;
  clientName: string;
  clientSector: string;
  /** ISO date-time the delivery file was written. */
  deliveredAt: string;
  channel: string;
  purpose: string;
}

/**
 * The recipients of what a member holds of some customers (GDPR Art. 15(1)(c)), oldest
 * first: each delivery in which their person was delivered with this member among its
 * suppliers — never one other members supplied alone. Deliveries the pool no longer
 * records (the person's rows went with the member's record of it, or they predate
 * supplier records) are not listed.
 *
 * @example
 * const recipients = await listAccessRecipients(deps, 'M01', ['C42']);
 */
export async function listAccessRecipients(
  deps: Pick<TRightsDeps, 'ctx' | 'warehouse'>,
  memberCode: string,
  customerIds: readonly string[],
): Promise<TAccessRecipient[]> {
  const deliveryIds = await listMemberCustomerDeliveries(deps.warehouse, memberCode, customerIds);
  const recipients = await listDeliveryRecipients(deps.ctx, deliveryIds);
  return recipients.map((recipient) => ({
    deliveryId: recipient.deliveryId,
    clientName: recipient.clientName,
    clientSector: recipient.clientSector,
    deliveredAt: recipient.deliveredAt.toISOString(),
    channel: recipient.channel,
    purpose: recipient.purpose,
  }));
}
