import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { type TDelivery, toDelivery } from './delivery.ts';
import { selectDeliveryRow } from './select-delivery-row.ts';

const ZRecordDeliveryPushInput = z.discriminatedUnion('outcome', [
  z
    .object({
      deliveryId: z.string(),
      outcome: z.literal('pushed'),
      /** Final path on the client's server. */
      remotePath: z.string().min(1).max(2048),
      host: z.string().min(1),
      port: z.number().int(),
    })
    .strict(),
  z
    .object({
      deliveryId: z.string(),
      outcome: z.literal('failed'),
      errorCode: z.string().min(1).max(64),
      /** Safe text: names the client, host and cause, never personal data or internals. */
      errorMessage: z.string().min(1).max(1000),
      /** Extra audit details (a reason, the pinned and presented host keys): ids and codes only. */
      details: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
    })
    .strict(),
]);
export type TRecordDeliveryPushInput = z.input<typeof ZRecordDeliveryPushInput>;

/**
 * Records how a push ended, in one transaction with its audit event:
 * `pushed` (remote path, `delivery.pushed`) or `failed` (code and safe message,
 * `delivery.push_failed`; a later retry may still push it). AppError conflict when
 * the delivery is already recorded as pushed.
 *
 * @example
 * await recordDeliveryPush(ctx, SYSTEM_ACTOR, { deliveryId, outcome: 'pushed', remotePath: '/in/a.csv.gpg', host, port });
 */
export async function recordDeliveryPush(
  ctx: ControlContext,
  actor: TActor,
  input: TRecordDeliveryPushInput,
): Promise<TDelivery> {
  const fields = parseInput(ZRecordDeliveryPushInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await selectDeliveryRow(trx, fields.deliveryId, { forUpdate: true });
    if (row.push_status === 'pushed') {
      throw new AppError('conflict', `delivery ${row.id} is already pushed`);
    }
    const now = ctx.clock();
    const updated = await trx
      .updateTable('deliveries')
      .set(
        fields.outcome === 'pushed'
          ? {
              push_status: 'pushed',
              pushed_at: now,
              remote_path: fields.remotePath,
              push_error_code: null,
              push_error_message: null,
            }
          : {
              push_status: 'failed',
              push_error_code: fields.errorCode,
              push_error_message: fields.errorMessage,
            },
      )
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: fields.outcome === 'pushed' ? 'delivery.pushed' : 'delivery.push_failed',
      actor,
      objectType: 'delivery',
      objectId: row.id,
      organisationCode: row.client_org_code,
      details:
        fields.outcome === 'pushed'
          ? {
              host: fields.host,
              port: fields.port,
              remotePath: fields.remotePath,
              sizeBytes: row.size_bytes,
              sha256: row.sha256,
            }
          : { code: fields.errorCode, message: fields.errorMessage, ...fields.details },
    });
    return toDelivery({ ...updated, client_org_code: row.client_org_code });
  });
}
