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
 * Per pool, the outbox IDs of events whose change is still running in this process (a
 * build between its commit and its own delivery, see `holdPoolAuditEvent`): another
 * delivery (an erasure's, meanwhile) leaves them to it, so they go with what it adds.
 * After a crash the set is gone with the process, and whoever delivers first takes them.
 */
const heldEvents = new WeakMap<TWarehouse, Set<string>>();

/**
 * Keeps an event of the outbox for the running change that wrote it, until `release`:
 * only a delivery that amends it (`amend`) takes it meanwhile.
 *
 * @example
 * const release = holdPoolAuditEvent(warehouse, builtOutboxId);
 * try { ... } finally { release(); }
 */
export function holdPoolAuditEvent(warehouse: TWarehouse, outboxId: string): () => void {
  const held = heldEvents.get(warehouse) ?? new Set<string>();
  heldEvents.set(warehouse, held);
  held.add(outboxId);
  return () => held.delete(outboxId);
}

/**
 * Delivers the audit events waiting in the pool's outbox (written with the pool change
 * they report, see `writeAuditOutbox`) to the audit chain, in one control-plane
 * transaction and in order, then removes them from the outbox. Safe to run again at
 * any point: an event the chain holds already is not appended twice
 * (`appendAuditEventOnce`), so a crash after the append and before the removal costs
 * nothing. Run after each pool change that writes the outbox, at start and before each
 * pool job. Returns how many events it delivered.
 *
 * @example
 * await deliverPoolAuditOutbox({ ctx, warehouse });
 */
export async function deliverPoolAuditOutbox(
  options: DeliverPoolAuditOutboxOptions,
): Promise<number> {
  const { ctx } = options;
  const held = heldEvents.get(options.warehouse);
  const pending = (await listAuditOutbox(options.warehouse)).filter(
    (event) => !held?.has(event.outboxId) || options.amend?.has(event.outboxId),
  );
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
