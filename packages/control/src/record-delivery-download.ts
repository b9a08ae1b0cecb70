import { AppError } from '@alliage/domain';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

export interface RecordDeliveryDownloadInput {
  deliveryId: string;
  /** When set, another client's delivery is not found. */
  clientOrgId?: string | undefined;
  remoteAddress?: string | undefined;
}

/**
 * Checks that a delivery may be downloaded now and records `delivery.downloaded`; call it
 * before serving the file. A delivery that is not written, or whose expiry has come
 * (even before housekeeping marked it), is AppError not_found: to the client it is gone.
 *
 * @example
 * await recordDeliveryDownload(ctx, actor, { deliveryId, clientOrgId: actor.organisationId ?? undefined,
 *   remoteAddress: '203.0.113.7' });
 */
export async function recordDeliveryDownload(
  ctx: ControlContext,
  actor: TActor,
  input: RecordDeliveryDownloadInput,
): Promise<TDelivery> {
  return ctx.db.transaction().execute(async (trx) => {
    const delivery = await selectDeliveryRow(trx, input.deliveryId, {
      clientOrgId: input.clientOrgId,
    });
    const now = ctx.clock();
    if (
      delivery.status === 'expired' ||
      (delivery.status === 'written' && delivery.expires_at <= now)
    ) {
      throw new AppError('not_found', `delivery ${delivery.id} has expired`);
    }
    if (delivery.status !== 'written') {
      throw new AppError('not_found', `delivery ${delivery.id} is not available`);
    }
    await appendAuditEvent(trx, ctx.clock, {
      action: 'delivery.downloaded',
      actor,
      objectType: 'delivery',
      objectId: delivery.id,
      organisationCode: delivery.client_org_code,
      details: {
        selectionId: delivery.selection_id,
        fileName: delivery.file_name,
        sha256: delivery.sha256,
        ...(input.remoteAddress ? { remoteAddress: input.remoteAddress } : {}),
      },
    });
    return toDelivery(delivery);
  });
}
