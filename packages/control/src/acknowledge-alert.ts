import { AppError, parseInput } from '@alliage/domain';
import { z } from 'zod';
import { type TAlert, toAlert } from './alert.ts';
import { appendAuditEvent } from './audit-append-event.ts';
import type { ControlContext, TActor } from './control-context.ts';
import { isUuid } from './is-uuid.ts';

const ZAcknowledgeAlertInput = z.strictObject({
  alertId: z.string(),
  /** What the acknowledger found or did: staff text about the alert, never about persons. */
  note: z.string().trim().min(1).max(1000),
});
export type TAcknowledgeAlertInput = z.input<typeof ZAcknowledgeAlertInput>;

/**
 * Acknowledges an open alert: a staff member has looked at it (the note says what they
 * found or did). Records who and when on the alert and appends `alert.acknowledged` in
 * the same transaction. An alert is acknowledged once (conflict after); an unknown one is
 * not_found. Acknowledged, it no longer absorbs later signals of its kind: the next storm
 * of denials for the same principal raises a new alert. Role checks belong to the caller.
 *
 * @example
 * await acknowledgeAlert(ctx, compliance, { alertId, note: 'client C01 called: seed list reloaded' });
 */
export async function acknowledgeAlert(
  ctx: ControlContext,
  actor: TActor,
  input: TAcknowledgeAlertInput,
): Promise<TAlert> {
  const { alertId, note } = parseInput(ZAcknowledgeAlertInput, input);
  if (!isUuid(alertId)) throw new AppError('not_found', `alert ${alertId} not found`);
  return ctx.db.transaction().execute(async (trx) => {
    const alert = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', alertId)
      .forUpdate()
      .executeTakeFirst();
    if (!alert) throw new AppError('not_found', `alert ${alertId} not found`);
    if (alert.acknowledged_at) {
      throw new AppError(
        'conflict',
        `alert ${alertId} was acknowledged on ${alert.acknowledged_at.toISOString()} by ${alert.acknowledged_by_ref}`,
      );
    }
    const row = await trx
      .updateTable('alerts')
      .set({ acknowledged_at: ctx.clock(), acknowledged_by_ref: actor.ref })
      .where('id', '=', alertId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAuditEvent(trx, ctx.clock, {
      action: 'alert.acknowledged',
      actor,
      objectType: 'alert',
      objectId: alertId,
      details: {
        kind: alert.kind,
        severity: alert.severity,
        raisedAt: alert.created_at.toISOString(),
        note,
      },
    });
    return toAlert(row);
  });
}
