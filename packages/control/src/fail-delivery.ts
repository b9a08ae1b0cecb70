import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

const ZFailDeliveryInput = z
  .object({
    deliveryId: z.string(),
    errorCode: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a short code'),
    /** Shown to operators and compliance (the client sees the code): safe text only (AppError messages are). */
    // Cut rather than refused: failing to record a failure would hide it.
    errorMessage: z
      .string()
      .trim()
      .min(1)
      .transform((message) => message.slice(0, 500)),
    /**
     * The failure may pass (a suspended client): the selection stays `approved`, so the
     * hourly catch-up runs the job again and `createDelivery` reopens the delivery once
     * the client is active again.
     */
    retryable: z.boolean().optional(),
  })
  .strict();
export type TFailDeliveryInput = z.input<typeof ZFailDeliveryInput>;

/**
 * Records that a delivery job gave up: the delivery and its selection become `failed`
 * (with `retryable`, the selection stays `approved`).
 * The closed list of audit actions has no `delivery.failed`, so the outcome is recorded as
 * `delivery.created` with `details.status = 'failed'` and the error code — every delivery
 * attempt's outcome is then one action to filter on. Failing a failed delivery again
 * changes and records nothing; AppError conflict once it was written.
 *
 * @example
 * await failDelivery(ctx, SYSTEM_ACTOR, { deliveryId, errorCode: 'client_key_expired',
 *   errorMessage: 'the client PGP key has expired' });
 */
export async function failDelivery(
  ctx: ControlContext,
  actor: TActor,
  input: TFailDeliveryInput,
): Promise<TDelivery> {
  const { deliveryId, errorCode, errorMessage, retryable } = parseInput(ZFailDeliveryInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const delivery = await selectDeliveryRow(trx, deliveryId, { forUpdate: true });
    if (delivery.status === 'failed') return toDelivery(delivery);
    if (delivery.status !== 'pending') {
      throw new AppError('conflict', `delivery ${delivery.id} is ${delivery.status}, not pending`);
    }
    const now = ctx.clock();
    const row = await trx
      .updateTable('deliveries')
      .set({ status: 'failed', error_code: errorCode, error_message: errorMessage })
      .where('id', '=', delivery.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!retryable) {
      await trx
        .updateTable('selections')
        .set({ status: 'failed', updated_at: now })
        .where('id', '=', delivery.selection_id)
        .execute();
    }
    await appendAuditEvent(trx, ctx.clock, {
      action: 'delivery.created',
      actor,
      objectType: 'delivery',
      objectId: delivery.id,
      organisationCode: delivery.client_org_code,
      details: {
        status: 'failed',
        selectionId: delivery.selection_id,
        errorCode,
        ...(retryable ? { retryable: true } : {}),
      },
    });
    return toDelivery({ ...row, client_org_code: delivery.client_org_code });
  });
}
