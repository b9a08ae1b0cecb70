import {
  appendAuditEventOnce,
  type ControlContext,
  recordErasurePoolProgress,
} from '@alliage/control';
import { listAuditOutbox, removeAuditOutbox, type TWarehouse } from '@alliage/warehouse';

export interface DeliverPoolAuditOutboxOptions {
  ctx: ControlContext;
  warehouse: TWarehouse;
  /**
   * Details learnt after the commit, merged into an event of the outbox by its ID (a
   * build's pool file rewrite and duration). An event delivered later, after a crash,
   * goes as its change wrote it.
   */
  amend?: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * Delivers the audit events waiting in the pool's outbox (written with the pool change
 * they report, see `writeAuditOutbox`) to the audit chain, in one control-plane
 * transaction and in order, then removes them from the outbox. Safe to run again at
 * any point: an event the chain holds already is not appended twice
 * (`appendAuditEventOnce`), so a crash after the append and before the removal costs
 * nothing. Run after each pool change that writes the outbox, at start and before each
 * pool job. Returns how many events were waiting.
 *
 * @example
 * await deliverPoolAuditOutbox({ ctx, warehouse });
 */
export async function deliverPoolAuditOutbox(
  options: DeliverPoolAuditOutboxOptions,
): Promise<number> {
  const { ctx } = options;
  const pending = await listAuditOutbox(options.warehouse);
  if (pending.length === 0) return 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const { outboxId, erasure, ...event } of pending) {
      await appendAuditEventOnce(trx, ctx.clock, outboxId, {
        ...event,
        details: { ...event.details, ...options.amend?.get(outboxId) },
      });
      // Recorded with the event, or found recorded with it by an earlier delivery.
      if (erasure) await recordErasurePoolProgress(trx, erasure.itemId, erasure.pool, ctx.clock());
    }
  });
  await removeAuditOutbox(
    options.warehouse,
    pending.map((event) => event.outboxId),
  );
  return pending.length;
}
