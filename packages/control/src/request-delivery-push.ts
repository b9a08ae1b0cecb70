import { AppError } from '@alliage/domain';
import type { ControlContext } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

export interface RequestDeliveryPushOptions {
  /**
   * The delivery job's call: mark a newly written delivery `pending` when its client
   * has an enabled push target, and otherwise leave it as it is (never throws a
   * conflict). Without it (an operator's retry), anything but a written, unpushed
   * delivery of a client with an enabled target is AppError `conflict`.
   */
  whenConfigured?: boolean;
}

/**
 * Marks a delivery's push `pending` (error cleared) so that a `delivery.push` job
 * picks it up; the caller queues that job when the returned delivery is pending.
 * Expired deliveries are never pushed.
 *
 * @example
 * const delivery = await requestDeliveryPush(ctx, deliveryId, { whenConfigured: true });
 * if (delivery.pushStatus === 'pending') await queue.enqueue('delivery.push', { deliveryId }, { jobId: `push-${deliveryId}` });
 */
export async function requestDeliveryPush(
  ctx: ControlContext,
  deliveryId: string,
  options: RequestDeliveryPushOptions = {},
): Promise<TDelivery> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await selectDeliveryRow(trx, deliveryId, { forUpdate: true });
    const unchanged = (reason: string): TDelivery => {
      if (options.whenConfigured) return toDelivery(row);
      throw new AppError('conflict', `delivery ${row.id} ${reason}`);
    };
    if (row.status !== 'written')
      return unchanged(`is ${row.status}; only a written delivery is pushed`);
    if (row.push_status === 'pushed') return unchanged('is already pushed');
    if (row.expires_at.getTime() <= ctx.clock().getTime()) {
      return unchanged(`expired at ${row.expires_at.toISOString()}; it is no longer pushed`);
    }
    if (options.whenConfigured && row.push_status === 'failed') return toDelivery(row);
    const target = await trx
      .selectFrom('push_targets')
      .select('enabled')
      .where('organisation_id', '=', row.client_org_id)
      .executeTakeFirst();
    if (!target?.enabled) {
      return unchanged(
        `cannot be pushed: client ${row.client_org_code} has no enabled push target`,
      );
    }
    const updated = await trx
      .updateTable('deliveries')
      .set({ push_status: 'pending', push_error_code: null, push_error_message: null })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDelivery({ ...updated, client_org_code: row.client_org_code });
  });
}
